/**
 * S4 jobs (issue 15): long-running tools through the hub (MCP client → HTTP front → hub →
 * BullMQ → the kit's JobWorker → result through the hub's one QueueEvents) against raw BullMQ
 * (Queue.add → Worker → waitUntilFinished) on the same Redis, both in this process, interleaved,
 * median of repetitions:
 *  - submit → complete p50 of a job that does nothing (target ratio ≤ 1.3);
 *  - throughput of 50 ms jobs with 100 in flight, against the ideal 100 / 50 ms = 2000 jobs/s
 *    (target ≥ 0.8), over 10 MCP sessions.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { InProcessBus } from '@mcp-hub/bus';
import { JobKeys, newJobId } from '@mcp-hub/connector-contract';
import { JobWorker, runConnector } from '@mcp-hub/connector-kit';
import { createJobConnector, jobDeps } from '@mcp-hub/connector-kit/testing';
import { BullJobQueues, HttpFront, Hub, HubJobs } from '@mcp-hub/hub';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { BenchContext } from '../lib/context';
import { row, type ResultRow } from '../lib/report';
import { median, quantile } from '../lib/stats';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const IN_FLIGHT = 100;
const JOB_MS = 50;
const SESSIONS = 10;

export async function measureJobs(ctx: BenchContext): Promise<ResultRow[]> {
  const logger = pino({ level: 'silent' });
  const namespace = `bench${randomBytes(4).toString('hex')}`;
  const keys = new JobKeys(namespace);
  const connector = createJobConnector('jobby');

  // The hub arm: a hub with BullMQ jobs, the job connector's replica on the bus (its manifest) and its worker.
  const bus = new InProcessBus();
  const queues = new BullJobQueues({ redisUrl: REDIS_URL, namespace, logger });
  const hub = new Hub({ bus, hubId: 'bench-s4', logger, jobs: new HubJobs({ queues, logger, progressWaitMs: 60_000 }) });
  await hub.start();
  const service = await runConnector(connector, { bus, deps: jobDeps(), logger });
  const worker = new JobWorker({ connector, deps: jobDeps(), redisUrl: REDIS_URL, namespace, logger, concurrency: IN_FLIGHT });
  await worker.start();
  const front = new HttpFront({
    hub,
    logger,
    identity: { name: 'bench', version: '0' },
    principalFor: () => ({ id: 'bench', scopes: ['*'] }),
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1 << 20,
    maxSessions: 100,
    allowedHosts: ['127.0.0.1', 'localhost'],
    allowedOrigins: ['127.0.0.1', 'localhost'],
    sessionIdleMs: 600_000,
  });
  const url = await front.listen();
  // 10 MCP sessions, as S2's c=50 spreads its calls (10 calls in flight each at 100).
  const clients = await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      const client = new Client({ name: 'bench', version: '0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      return client;
    }),
  );

  // The raw arm: a queue of its own on the same Redis, a plain Worker doing the same waits.
  const rawName = `${keys.queue('jobby')}raw`;
  const connections = [0, 1, 2].map(() => new Redis(REDIS_URL, { maxRetriesPerRequest: null }));
  const rawQueue = new Queue(rawName, { connection: connections[0]!, prefix: keys.prefix });
  const rawEvents = new QueueEvents(rawName, { connection: connections[1]!, prefix: keys.prefix });
  // The same work as count_job with one step: wait, report progress once, return.
  const rawWorker = new Worker(
    rawName,
    async (job) => {
      await new Promise((resolve) => setTimeout(resolve, (job.data as { ms: number }).ms));
      await job.updateProgress({ progress: 1, total: 1 });
      return { done: true };
    },
    {
      connection: connections[2]!,
      prefix: keys.prefix,
      concurrency: IN_FLIGHT,
    },
  );
  await Promise.all([rawQueue.waitUntilReady(), rawEvents.waitUntilReady(), rawWorker.waitUntilReady()]);

  const throughHub = async (ms: number, lane = 0) => {
    // onprogress makes the hub wait for the job and answer with its result (not a jobs:// link).
    const result = await clients[lane % SESSIONS]!.callTool({ name: 'jobby_count_job', arguments: { steps: 1, step_ms: ms } }, { onprogress: () => undefined, timeout: 60_000 });
    if (result.isError || !result.structuredContent) throw new Error(`job failed: ${JSON.stringify(result.content)}`);
  };
  /** The hub's job machinery without MCP: BullJobQueues (watch, submit) and the kit's worker. */
  const viaQueues = async (ms: number) => {
    const jobId = newJobId('jobby');
    let stop: (() => void) | undefined;
    await new Promise<void>((resolve, reject) => {
      queues
        .watch(jobId, (event) => event.type !== 'progress' && resolve())
        .then((unwatch) => {
          stop = unwatch;
          return queues.submit(jobId, { tool: 'count_job', arguments: { steps: 1, step_ms: ms }, principal: { id: 'bench', scopes: [] }, deadline: Date.now() + 60_000 });
        })
        .catch(reject);
    });
    stop?.();
  };
  const raw = async (ms: number) => {
    const job = await rawQueue.add('count', { ms }, { removeOnComplete: { age: 60 }, removeOnFail: { age: 60 } });
    await job.waitUntilFinished(rawEvents, 60_000);
  };
  const latencies = async (call: (ms: number) => Promise<void>): Promise<number[]> => {
    const times: number[] = [];
    const until = performance.now() + ctx.windowMs;
    while (performance.now() < until) {
      const started = performance.now();
      await call(1);
      times.push(performance.now() - started);
    }
    return times;
  };
  /** Jobs of JOB_MS completed per second with IN_FLIGHT calls kept in flight for one window. */
  const throughput = async (call: (ms: number, lane: number) => Promise<void>): Promise<number> => {
    let done = 0;
    const started = performance.now();
    const until = started + ctx.windowMs;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async (_, lane) => {
        while (performance.now() < until) {
          await call(JOB_MS, lane);
          done++;
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  };

  try {
    ctx.log('S4 jobs: warm-up');
    await latencies(throughHub);
    await latencies(raw);
    await latencies(viaQueues);
    const hubP50: number[] = [];
    const queuesP50: number[] = [];
    const rawP50: number[] = [];
    const hubRate: number[] = [];
    const rawRate: number[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      const a = quantile(await latencies(raw), 0.5);
      const b = quantile(await latencies(throughHub), 0.5);
      queuesP50.push(quantile(await latencies(viaQueues), 0.5));
      const c = await throughput(raw);
      const d = await throughput(throughHub);
      rawP50.push(a);
      hubP50.push(b);
      rawRate.push(c);
      hubRate.push(d);
      ctx.log(`S4 jobs rep ${rep + 1}: submit→complete p50 raw ${a.toFixed(2)} ms, hub ${b.toFixed(2)} ms; ${JOB_MS} ms jobs × ${IN_FLIGHT}: raw ${c.toFixed(0)}/s, hub ${d.toFixed(0)}/s`);
    }
    const ideal = IN_FLIGHT / (JOB_MS / 1000);
    const ratios = (xs: number[], ys: number[]) => median(xs.map((x, i) => x / ys[i]!));
    return [
      row('S4 jobs', 'submit → complete p50 through the hub (vs raw BullMQ, same Redis)', 'ms', median(hubP50), median(rawP50), ratios(hubP50, rawP50), 'ratio <= 1.3',
        'MCP client, HTTP, hub, BullMQ, kit worker, one QueueEvents'),
      row('S4 jobs', 'submit → complete p50 through the job machinery alone (BullJobQueues, kit worker; no MCP) vs raw BullMQ', 'ms', median(queuesP50), median(rawP50), ratios(queuesP50, rawP50)),
      row('S4 jobs', `throughput, ${JOB_MS} ms jobs, ${IN_FLIGHT} in flight, through the hub (vs ideal ${ideal}/s)`, 'jobs/s', median(hubRate), ideal, median(hubRate.map((r) => r / ideal)), 'ratio >= 0.8'),
      row('S4 jobs', `throughput, ${JOB_MS} ms jobs, ${IN_FLIGHT} in flight, raw BullMQ (vs ideal ${ideal}/s)`, 'jobs/s', median(rawRate), ideal, median(rawRate.map((r) => r / ideal))),
      row('S4 jobs', 'throughput through the hub vs raw BullMQ', 'jobs/s', median(hubRate), median(rawRate), ratios(hubRate, rawRate)),
    ];
  } finally {
    for (const client of clients) await client.close().catch(() => undefined);
    await front.close(0);
    await worker.close(true);
    await rawWorker.close(true);
    await rawEvents.close();
    await rawQueue.close();
    for (const connection of connections) connection.disconnect();
    await service.stop();
    hub.stop();
    await bus.close();
    const redis = new Redis(REDIS_URL);
    const left = await redis.keys(`${namespace}:*`);
    if (left.length > 0) await redis.del(...left);
    redis.disconnect();
  }
}
