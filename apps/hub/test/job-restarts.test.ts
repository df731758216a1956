import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { JobKeys, newJobId, type JobData } from '@mcp-hub/connector-contract';
import { RedisServerProcess } from '@mcp-hub/bus/testing';
import { JobWorker } from '@mcp-hub/connector-kit';
import { createJobConnector, jobDeps, type JobDeps } from '@mcp-hub/connector-kit/testing';
import { BullJobQueues } from '../src/jobs/bull-job-queues';
import { HubJobs } from '../src/jobs/hub-jobs';
import type { JobState } from '../src/jobs/job-queues';
import { HubFixture, silent } from './hub-fixture';
import { waitFor } from './job-queues-behaviour';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WORKER_SCRIPT = path.join(__dirname, 'fixtures', 'bullmq-worker-process.mjs');
const connector = createJobConnector('jobby');
/**
 * A dead worker's lock lives 2 s (the worker process's `lockDurationMs`); a survivor looks for
 * stalled jobs every 500 ms. A survivor's own locks keep BullMQ's 30 s: on 2 busy cores an event
 * loop can stall past a short lock, and the job would then run twice.
 */
const STALLED_CHECK = { stalledIntervalMs: 500 };

const namespaceForTest = () => `jobrestart${process.pid}x${Math.floor(Math.random() * 1e9)}`;
const job = (steps: number, stepMs: number): JobData => ({ tool: 'count_job', arguments: { steps, step_ms: stepMs }, principal: { id: 'alice', scopes: [] }, deadline: Date.now() + 60_000 });

async function until(queues: BullJobQueues, jobId: string, status: JobState['status'], timeoutMs = 15_000): Promise<JobState> {
  let last: JobState | undefined;
  await waitFor(async () => (last = await queues.state(jobId))?.status === status, timeoutMs, () => `job ${jobId} to be ${status} (was ${JSON.stringify(last)})`);
  return last!;
}

async function dropNamespace(redisUrl: string, namespace: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${namespace}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

/** A BullMQ worker of the `jobby` queue in a child process that takes jobs and hangs in them, and the jobs it took. */
class WorkerProcess {
  readonly started: string[] = [];
  private constructor(readonly child: ChildProcess) {}

  static async start(namespace: string, concurrency: number): Promise<WorkerProcess> {
    const keys = new JobKeys(namespace);
    const child = spawn(process.execPath, [WORKER_SCRIPT], {
      env: { ...process.env, REDIS_URL, JOB_QUEUE: keys.queue('jobby'), JOB_PREFIX: keys.prefix, JOB_CONCURRENCY: String(concurrency) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const worker = new WorkerProcess(child);
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [what, id] = line.split(' ');
      if (what === 'ready') ready = true;
      else if (what === 'started') worker.started.push(id!);
    });
    try {
      await waitFor(() => ready || child.exitCode !== null, 15_000, 'the worker process to be ready');
      if (!ready) throw new Error(`the worker process exited with ${child.exitCode}`);
    } catch (error) {
      await worker.kill();
      throw error;
    }
    return worker;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await exited;
  }
}

describe('BullMQ jobs across crashes and restarts', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    // Each step bounded: on 2 busy cores a BullMQ close can take long, and a stuck one must not fail the test after it passed.
    for (const cleanup of cleanups.reverse()) await Promise.race([cleanup().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    cleanups.length = 0;
  }, 30_000);

  async function worker(deps: JobDeps, namespace: string, redisUrl = REDIS_URL, concurrency = 3): Promise<JobWorker<JobDeps>> {
    const started = new JobWorker({ connector, deps, redisUrl, namespace, logger: silent, concurrency, ...STALLED_CHECK });
    await started.start();
    cleanups.push(() => started.close(true));
    return started;
  }

  it('jobs of a worker process killed (SIGKILL) mid-job complete on another worker, each once', async () => {
    const namespace = namespaceForTest();
    const queues = new BullJobQueues({ redisUrl: REDIS_URL, namespace, logger: silent, backoffMs: 50 });
    cleanups.push(() => dropNamespace(REDIS_URL, namespace), () => queues.close());
    const spawnedAt = Date.now();
    const doomed = await WorkerProcess.start(namespace, 3);
    const startupMs = Date.now() - spawnedAt;
    cleanups.push(() => doomed.kill());
    const ids = [newJobId('jobby'), newJobId('jobby'), newJobId('jobby')];
    for (const id of ids) await queues.submit(id, job(5, 50));
    await waitFor(() => doomed.started.length === 3, 10_000, 'the worker process to take all three jobs');
    await doomed.kill();

    const survivor = jobDeps();
    await worker(survivor, namespace);
    for (const id of ids) expect(await until(queues, id, 'completed')).toMatchObject({ result: { structuredContent: { completed: 5 } } });
    expect([...survivor.completed].sort()).toEqual([...ids].sort());
    expect([...survivor.started].sort()).toEqual([...ids].sort());
    // The cost of the worker process, for the report (not asserted: 2 busy cores vary).
    process.stdout.write(`worker process ready after ${startupMs} ms\n`);
  }, 30_000);

  it('jobs queued before Redis restarts, and one submitted while it is down, complete after it returns', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'redis-aof-'));
    const redis = await RedisServerProcess.start(undefined, { persistDir: dir });
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }), () => redis.stop());
    const namespace = namespaceForTest();
    const queues = new BullJobQueues({ redisUrl: redis.url, namespace, logger: silent, backoffMs: 50 });
    cleanups.push(() => queues.close());
    const queued = [newJobId('jobby'), newJobId('jobby')];
    for (const id of queued) await queues.submit(id, job(2, 10));
    await redis.kill();
    const late = newJobId('jobby');
    // Submitted while Redis is down: the client holds the command until it reconnects.
    const submitting = queues.submit(late, job(2, 10));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.restart();
    await submitting;
    const deps = jobDeps();
    await worker(deps, namespace, redis.url);
    for (const id of [...queued, late]) expect(await until(queues, id, 'completed')).toMatchObject({ result: { structuredContent: { completed: 2 } } });
    expect([...deps.completed].sort()).toEqual([...queued, late].sort());
  }, 30_000);

  it('a client fetches its job result through jobs_get from a hub started after the first one stopped mid-job', async () => {
    const namespace = namespaceForTest();
    cleanups.push(() => dropNamespace(REDIS_URL, namespace));
    const deps = jobDeps();
    await worker(deps, namespace);
    const hubWithJobs = async () => {
      const fixture = new HubFixture();
      const queues = new BullJobQueues({ redisUrl: REDIS_URL, namespace, logger: silent });
      await fixture.start({}, 5000, { jobs: new HubJobs({ queues, logger: silent }) });
      const service = await (await import('@mcp-hub/connector-kit')).runConnector(connector, { bus: fixture.bus, deps: jobDeps(), heartbeatMs: 2000, logger: silent });
      await waitFor(() => fixture.hub.inventory.replicaCount('jobby') > 0, 5000, 'the connector');
      cleanups.push(async () => {
        await service.stop();
        await fixture.stop();
      });
      return { fixture, service };
    };

    const first = await hubWithJobs();
    const client = await first.fixture.client();
    const started = await client.callTool({ name: 'jobby_count_job', arguments: { steps: 10, step_ms: 100 } });
    const link = (started.content as Array<{ type: string; uri?: string }>).find((block) => block.type === 'resource_link');
    const jobId = link!.uri!.slice('jobs://'.length);
    await waitFor(() => deps.started.includes(jobId), 5000, 'the job to start');
    await first.service.stop();
    await first.fixture.stop();

    const second = await hubWithJobs();
    const again = await second.fixture.client();
    let state: Record<string, unknown> = {};
    await waitFor(
      async () => {
        state = (await again.callTool({ name: 'jobs_get', arguments: { jobId } })).structuredContent as Record<string, unknown>;
        return state.status === 'completed';
      },
      10_000,
      () => `the job to complete (was ${JSON.stringify(state)})`,
    );
    expect(state).toMatchObject({ jobId, result: { completed: 10, principal: 'tester' } });
    expect(deps.completed).toEqual([jobId]);
  }, 30_000);
});
