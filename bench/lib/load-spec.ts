/** What the parent asks the load generator process to do, and what it answers (over the IPC channel). */

export type Target =
  | { kind: 'mcp-http'; url: string; tool: string; args: Record<string, unknown> }
  /**
   * A 2025-11-25 session driven by raw `node:http` (keep-alive) instead of the SDK client, whose
   * CPU per call exceeds the direct server's: initialize, then `tools/call` of an echo tool with a
   * text unique to the call; every reply is checked to carry that text in its content and
   * structuredContent.
   */
  | { kind: 'mcp-lean-http'; url: string; tool: string }
  | { kind: 'mcp-stdio'; command: string; argv: string[]; env: Record<string, string>; tool: string; args: Record<string, unknown> }
  | { kind: 'http-jsonrpc'; url: string }
  | { kind: 'nats'; servers: string; subject: string }
  /** Straight to a connector's queue group over NATS, as the hub's invoker sends it (no MCP, no hub). */
  | { kind: 'bus-invoke'; servers: string; connector: string; tool: string; args: Record<string, unknown> }
  | { kind: 'redis'; host: string; port: number };

interface CommonSpec {
  target: Target;
  /** Connections (MCP sessions, sockets, NATS connections share one). */
  sessions: number;
  /** Run this long before measuring (ms). */
  warmupMs: number;
  /** Measured window (ms); ignored when `calls` is set. */
  durationMs: number;
  /** Run exactly this many measured calls instead of a timed window (memory runs). */
  calls?: number;
  /** Keep the sessions open after the run under this key and reuse them next time. */
  poolKey?: string;
  /** Collect per-100 ms completion counts and every failure time (scale-out kill test). */
  timeline?: boolean;
  /** Milliseconds after the measured window starts at which the parent gets a `mark` message. */
  markAtMs?: number;
}

/** Closed loop: each session keeps `perSession` calls in flight, issuing the next as one completes. */
export interface ClosedLoopSpec extends CommonSpec {
  perSession: number;
  ratePerSec?: undefined;
}

/**
 * Open loop: calls arrive at `ratePerSec` on a fixed schedule (call k is due at start + k / rate,
 * spread over the sessions in turn), whether or not earlier calls have completed. This is an
 * offered load: latency is not capped by how many calls are in flight, as it is in a closed loop.
 */
export interface OpenLoopSpec extends CommonSpec {
  ratePerSec: number;
  /**
   * Most calls outstanding at once (default 4 × rate × 1 s), so that a server that stops answering
   * cannot make the generator hold unbounded state. A call due while the bound is reached is not
   * issued at all and counted in `notIssued`.
   */
  maxOutstanding?: number;
  perSession?: undefined;
}

export type LoadSpec = ClosedLoopSpec | OpenLoopSpec;

export interface LoadResult {
  /** Successful calls completed in the window. */
  calls: number;
  /** Calls that failed, other than `shed` ones. */
  failures: number;
  /**
   * Calls refused because every replica tried was at capacity (not started): a tool result with
   * `isError` whose text says "at capacity", or a `busy` error reply on the bus-invoke target.
   */
  shed: number;
  /** Open loop: calls due in the window but not issued because `maxOutstanding` were outstanding. */
  notIssued: number;
  /** Calls issued in the window per second (open loop: what the schedule actually delivered). */
  offeredPerSec: number;
  /** Calls issued in the window. */
  issued: number;
  /** First few failure messages. */
  failureSamples: string[];
  windowMs: number;
  /** Successful calls per second in the measured window. */
  throughput: number;
  /** Latency percentiles of successful calls. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** p50 latency of every call completed in the window: successful, shed and failed. */
  p50AllMs: number;
  /** CPU the load generator used during the window, as a fraction of one core. */
  cpuCores: number;
  /** Epoch ms of the window start (for aligning a kill with the timeline). */
  windowStart: number;
  /** Completed (ok, failed, shed) per 100 ms bucket, when `timeline` was asked. */
  timeline?: Array<[number, number, number]>;
  /** Completion times of failed (not shed) calls, ms after window start, when `timeline` was asked. */
  failureTimes?: number[];
}

export type ParentMessage = { type: 'run'; id: number; spec: LoadSpec } | { type: 'close-pools' };
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'window-start'; id: number }
  | { type: 'window-end'; id: number }
  | { type: 'mark'; id: number }
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'error'; id: number; message: string }
  | { type: 'pools-closed' };
