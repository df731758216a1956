/** What the parent asks the load generator process to do, and what it answers (over the IPC channel). */

export type Target =
  | { kind: 'mcp-http'; url: string; tool: string; args: Record<string, unknown> }
  | { kind: 'mcp-stdio'; command: string; argv: string[]; env: Record<string, string>; tool: string; args: Record<string, unknown> }
  | { kind: 'http-jsonrpc'; url: string }
  | { kind: 'nats'; servers: string; subject: string }
  /** Straight to a connector's queue group over NATS, as the hub's invoker sends it (no MCP, no hub). */
  | { kind: 'bus-invoke'; servers: string; connector: string; tool: string; args: Record<string, unknown> }
  | { kind: 'redis'; host: string; port: number };

export interface LoadSpec {
  target: Target;
  /** Connections (MCP sessions, sockets, NATS connections share one). */
  sessions: number;
  /** Requests kept in flight on each session (closed loop). */
  perSession: number;
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

export interface LoadResult {
  calls: number;
  failures: number;
  /** First few failure messages. */
  failureSamples: string[];
  windowMs: number;
  /** Completed calls per second in the measured window. */
  throughput: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** CPU the load generator used during the window, as a fraction of one core. */
  cpuCores: number;
  /** Epoch ms of the window start (for aligning a kill with the timeline). */
  windowStart: number;
  /** Completed (ok, failed) per 100 ms bucket, when `timeline` was asked. */
  timeline?: Array<[number, number]>;
  /** Failure completion times, ms after window start, when `timeline` was asked. */
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
