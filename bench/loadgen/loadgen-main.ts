/**
 * The load generator, a process of its own so that client CPU is not charged to the server
 * under test. Driven by the parent over the IPC channel (see lib/load-spec.ts): closed loop,
 * `sessions` connections × `perSession` requests in flight, warm-up, measured window.
 */
import { request as httpRequest, Agent } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { randomUUID } from 'node:crypto';
import { encode, subjects } from '@mcp-hub/connector-contract';
import { quantile } from '../lib/stats';
import type { ChildMessage, LoadResult, LoadSpec, ParentMessage, Target } from '../lib/load-spec';

interface Session {
  call(): Promise<void>;
  close(): Promise<void>;
}

const pools = new Map<string, Session[]>();

function send(message: ChildMessage): void {
  process.send!(message);
}

async function openSession(target: Target, perSession: number): Promise<Session> {
  switch (target.kind) {
    case 'mcp-http': {
      const client = new Client({ name: 'mcp-hub-bench', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(target.url));
      await client.connect(transport);
      return {
        call: async () => {
          const result = await client.callTool({ name: target.tool, arguments: target.args });
          if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content).slice(0, 200)}`);
        },
        close: async () => {
          await transport.terminateSession().catch(() => undefined);
          await client.close();
        },
      };
    }
    case 'mcp-stdio': {
      const client = new Client({ name: 'mcp-hub-bench', version: '1.0.0' });
      const transport = new StdioClientTransport({ command: target.command, args: target.argv, env: target.env, stderr: 'ignore' });
      await client.connect(transport);
      return {
        call: async () => {
          const result = await client.callTool({ name: target.tool, arguments: target.args });
          if (result.isError) throw new Error('tool error');
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
          const body = reply.json<{ status: string; message?: string }>();
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

async function run(id: number, spec: LoadSpec): Promise<LoadResult> {
  const sessions = await sessionsFor(spec);
  const latencies: number[] = [];
  const failureSamples: string[] = [];
  const failureTimes: number[] = [];
  const timeline: Array<[number, number]> = [];
  let failures = 0;
  let issued = 0;
  const counted = spec.calls !== undefined;
  const t0 = performance.now();
  const measureStart = counted ? t0 : t0 + spec.warmupMs;
  let measureEnd = counted ? Number.POSITIVE_INFINITY : measureStart + spec.durationMs;
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
    if (spec.timeline) {
      const bucket = Math.floor((end - measureStart) / 100);
      while (timeline.length <= bucket) timeline.push([0, 0]);
      timeline[bucket]![error ? 1 : 0]++;
    }
    if (error) {
      failures++;
      if (spec.timeline) failureTimes.push(Math.round(end - measureStart));
      if (failureSamples.length < 5) failureSamples.push(String((error as Error)?.message ?? error).slice(0, 300));
      return;
    }
    latencies.push(end - start);
  };

  const loop = async (session: Session) => {
    for (;;) {
      if (counted ? issued >= spec.calls! : performance.now() >= measureEnd) return;
      issued++;
      const start = performance.now();
      try {
        await session.call();
        record(start, performance.now());
      } catch (error) {
        record(start, performance.now(), error);
      }
    }
  };
  await Promise.all(sessions.flatMap((session) => Array.from({ length: spec.perSession }, () => loop(session))));
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
    failureSamples,
    windowMs,
    throughput: (latencies.length * 1000) / windowMs,
    p50Ms: quantile(latencies, 0.5),
    p90Ms: quantile(latencies, 0.9),
    p99Ms: quantile(latencies, 0.99),
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
