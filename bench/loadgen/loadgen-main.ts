/**
 * The load generator, a process of its own so that client CPU is not charged to the server
 * under test. Driven by the parent over the IPC channel (see lib/load-spec.ts): closed loop
 * (`sessions` connections × `perSession` requests in flight) or open loop (`ratePerSec` calls a
 * second on a fixed schedule), warm-up, measured window.
 */
import { request as httpRequest, Agent } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { encode, Subjects } from '@mcp-hub/connector-contract';
import { quantile } from '../lib/stats';
import { openLeanMcpSession } from './lean-mcp-session';
import type { ChildMessage, LoadResult, LoadSpec, OpenLoopSpec, ParentMessage, Target } from '../lib/load-spec';

const subjects = new Subjects();

interface Session {
  call(): Promise<void>;
  close(): Promise<void>;
}

const pools = new Map<string, Session[]>();

/** A call refused because every replica tried was at capacity: shed load, not a failure of the path. */
class AtCapacity extends Error {}

/** The error for a tool result with `isError`; the hub says "at capacity" when it shed the call. */
function toolError(content: unknown): Error {
  const text = JSON.stringify(content);
  return text.includes('at capacity') ? new AtCapacity(text.slice(0, 200)) : new Error(`tool error: ${text.slice(0, 200)}`);
}

function send(message: ChildMessage): void {
  process.send!(message);
}

/** `perSession` sizes the HTTP agent in a closed loop; unbounded in an open loop. */
async function openSession(target: Target, perSession = Number.POSITIVE_INFINITY): Promise<Session> {
  switch (target.kind) {
    case 'mcp-http': {
      // TODO(#21): check each reply's content as the lean client does (mcp-lean-http); the SDK-client
      // targets serve several tools (echo, slow, run_query, get_issue) and only refuse isError today.
      const client = new Client({ name: 'mcp-hub-bench', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(target.url));
      await client.connect(transport);
      return {
        call: async () => {
          const result = await client.callTool({ name: target.tool, arguments: target.args });
          if (result.isError) throw toolError(result.content);
        },
        close: async () => {
          await transport.terminateSession().catch(() => undefined);
          await client.close();
        },
      };
    }
    case 'mcp-lean-http':
      return openLeanMcpSession(target.url, target.tool, perSession);
    case 'mcp-stdio': {
      const client = new Client({ name: 'mcp-hub-bench', version: '1.0.0' });
      const transport = new StdioClientTransport({ command: target.command, args: target.argv, env: target.env, stderr: 'ignore' });
      await client.connect(transport);
      return {
        call: async () => {
          const result = await client.callTool({ name: target.tool, arguments: target.args });
          if (result.isError) throw toolError(result.content);
        },
        close: () => client.close(),
      };
    }
    case 'http-jsonrpc': {
      const agent = new Agent({ keepAlive: true, maxSockets: perSession });
      const url = new URL(target.url);
      let id = 0;
      return {
        call: () =>
          new Promise<void>((resolve, reject) => {
            const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hello' } } });
            const req = httpRequest(
              { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
              (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (c: Buffer) => chunks.push(c));
                res.on('end', () => {
                  try {
                    const reply = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: unknown };
                    if (reply.result === undefined) reject(new Error('no result'));
                    else resolve();
                  } catch (error) {
                    reject(error as Error);
                  }
                });
              },
            );
            req.on('error', reject);
            req.end(body);
          }),
        close: async () => agent.destroy(),
      };
    }
    case 'nats': {
      const nc: NatsConnection = await natsConnect({ servers: target.servers, name: 'bench-floor' });
      const payload = new TextEncoder().encode(JSON.stringify({ text: 'hello' }));
      return {
        call: async () => {
          await nc.request(target.subject, payload, { timeout: 5000 });
        },
        close: () => nc.close(),
      };
    }
    case 'bus-invoke': {
      const nc: NatsConnection = await natsConnect({ servers: target.servers, name: 'bench-bus-invoke' });
      const subject = subjects.invoke(target.connector, target.tool);
      const principal = { id: 'bench', scopes: ['*'] };
      return {
        call: async () => {
          const request = { invocationId: randomUUID(), tool: target.tool, arguments: target.args, deadline: Date.now() + 5000, principal };
          const reply = await nc.request(subject, encode(request), { timeout: 5000 });
          const body = reply.json<{ status: string; kind?: string; message?: string }>();
          if (body.status === 'error' && body.kind === 'busy') throw new AtCapacity(body.message);
          if (body.status !== 'ok') throw new Error(`connector said ${body.status}: ${body.message}`);
        },
        close: () => nc.close(),
      };
    }
    case 'redis':
      return openRedis(target.host, target.port);
  }
}

/** PING over a raw RESP socket (pipelined when more than one is in flight). */
async function openRedis(host: string, port: number): Promise<Session> {
  const socket: Socket = netConnect(port, host);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  let buffered = '';
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    let end: number;
    while ((end = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const pending = waiting.shift();
      if (line === '+PONG') pending?.resolve();
      else pending?.reject(new Error(`redis said ${line}`));
    }
  });
  return {
    call: () =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.write('PING\r\n');
      }),
    close: async () => void socket.destroy(),
  };
}

async function sessionsFor(spec: LoadSpec): Promise<Session[]> {
  if (spec.poolKey) {
    const pooled = pools.get(spec.poolKey);
    if (pooled) return pooled;
  }
  const sessions: Session[] = [];
  for (let i = 0; i < spec.sessions; i++) sessions.push(await openSession(spec.target, spec.perSession));
  if (spec.poolKey) pools.set(spec.poolKey, sessions);
  return sessions;
}

/**
 * Open loop: call k is due at `t0` + k / rate and goes to session k mod sessions. Every tick issues
 * all calls due by now, so a late tick catches up instead of shifting the rest of the schedule.
 * Resolves when `finished(due)` says the next call is past the run and every issued call is back.
 */
async function openLoop(
  spec: OpenLoopSpec,
  sessions: Session[],
  t0: number,
  finished: (due: number) => boolean,
  issue: (session: Session) => Promise<void>,
  skipped: (due: number) => void,
): Promise<void> {
  const maxOutstanding = spec.maxOutstanding ?? 4 * spec.ratePerSec;
  const dueAt = (k: number) => t0 + (k * 1000) / spec.ratePerSec;
  const outstanding = new Set<Promise<void>>();
  let k = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      for (; dueAt(k) <= now; k++) {
        if (finished(dueAt(k))) return resolve();
        if (outstanding.size >= maxOutstanding) {
          skipped(dueAt(k));
          continue;
        }
        const call = issue(sessions[k % sessions.length]!).finally(() => outstanding.delete(call));
        outstanding.add(call);
      }
      setTimeout(tick, dueAt(k) - performance.now());
    };
    tick();
  });
  await Promise.all(outstanding);
}

async function run(id: number, spec: LoadSpec): Promise<LoadResult> {
  const sessions = await sessionsFor(spec);
  const latencies: number[] = [];
  const allLatencies: number[] = [];
  const failureSamples: string[] = [];
  const failureTimes: number[] = [];
  const timeline: Array<[number, number, number]> = [];
  let failures = 0;
  let shed = 0;
  let notIssued = 0;
  let issued = 0;
  let issuedInWindow = 0;
  const counted = spec.calls !== undefined;
  const t0 = performance.now();
  const measureStart = counted ? t0 : t0 + spec.warmupMs;
  let measureEnd = counted ? Number.POSITIVE_INFINITY : measureStart + spec.durationMs;
  const inWindow = (at: number) => at >= measureStart && at < measureEnd;
  let cpuStart = process.cpuUsage();
  let windowStart = Date.now();
  const timers: NodeJS.Timeout[] = [];
  const startWindow = () => {
    cpuStart = process.cpuUsage();
    windowStart = Date.now();
    send({ type: 'window-start', id });
  };
  if (counted) startWindow();
  else timers.push(setTimeout(startWindow, spec.warmupMs));
  let endSent = false;
  const endWindow = () => {
    if (endSent) return;
    endSent = true;
    send({ type: 'window-end', id });
  };
  if (!counted) timers.push(setTimeout(endWindow, spec.warmupMs + spec.durationMs));
  if (spec.markAtMs !== undefined) timers.push(setTimeout(() => send({ type: 'mark', id }), (counted ? 0 : spec.warmupMs) + spec.markAtMs));

  const record = (start: number, end: number, error?: unknown) => {
    if (end < measureStart || end > measureEnd) return;
    allLatencies.push(end - start);
    const outcome = !error ? 0 : error instanceof AtCapacity ? 2 : 1;
    if (spec.timeline) {
      const bucket = Math.floor((end - measureStart) / 100);
      while (timeline.length <= bucket) timeline.push([0, 0, 0]);
      timeline[bucket]![outcome]++;
    }
    if (outcome === 0) latencies.push(end - start);
    else if (outcome === 2) shed++;
    else {
      failures++;
      if (spec.timeline) failureTimes.push(Math.round(end - measureStart));
      if (failureSamples.length < 5) failureSamples.push(String((error as Error)?.message ?? error).slice(0, 300));
    }
  };
  const issue = async (session: Session) => {
    issued++;
    const start = performance.now();
    if (inWindow(start)) issuedInWindow++;
    try {
      await session.call();
      record(start, performance.now());
    } catch (error) {
      record(start, performance.now(), error);
    }
  };
  // Closed loop: `now` is the time the next call would start; open loop: the time it is due.
  const finished = (at: number) => (counted ? issued >= spec.calls! : at >= measureEnd);

  if (spec.ratePerSec === undefined) {
    const loop = async (session: Session) => {
      while (!finished(performance.now())) await issue(session);
    };
    await Promise.all(sessions.flatMap((session) => Array.from({ length: spec.perSession }, () => loop(session))));
  } else {
    await openLoop(spec, sessions, t0, finished, issue, (due) => {
      if (inWindow(due)) notIssued++;
    });
  }
  const end = performance.now();
  if (counted) measureEnd = end;
  endWindow();
  for (const timer of timers) clearTimeout(timer);
  const cpu = process.cpuUsage(cpuStart);
  const windowMs = measureEnd - measureStart;
  if (!spec.poolKey) await Promise.all(sessions.map((s) => s.close().catch(() => undefined)));
  return {
    calls: latencies.length,
    failures,
    shed,
    notIssued,
    issued: issuedInWindow,
    offeredPerSec: (issuedInWindow * 1000) / windowMs,
    failureSamples,
    windowMs,
    throughput: (latencies.length * 1000) / windowMs,
    p50Ms: quantile(latencies, 0.5),
    p90Ms: quantile(latencies, 0.9),
    p99Ms: quantile(latencies, 0.99),
    p50AllMs: quantile(allLatencies, 0.5),
    cpuCores: (cpu.user + cpu.system) / 1000 / windowMs,
    windowStart,
    ...(spec.timeline && { timeline, failureTimes }),
  };
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'run') {
    run(message.id, message.spec).then(
      (result) => send({ type: 'result', id: message.id, result }),
      (error: Error) => send({ type: 'error', id: message.id, message: error?.stack ?? String(error) }),
    );
  } else if (message.type === 'close-pools') {
    const all = [...pools.values()].flat();
    pools.clear();
    void Promise.all(all.map((s) => s.close().catch(() => undefined))).then(() => send({ type: 'pools-closed' }));
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
