import { Redis } from 'ioredis';
import { JobWorker, runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createJobConnector, jobDeps, type JobDeps } from '@mcp-hub/connector-kit/testing';
import type { Client } from '@modelcontextprotocol/client';
import { BullJobQueues } from '../src/jobs/bull-job-queues';
import { HubJobs } from '../src/jobs/hub-jobs';
import { HubFixture, silent, waitFor } from './hub-fixture';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Setup {
  fixture: HubFixture;
  queues: BullJobQueues;
  namespace: string;
  workers: JobWorker<JobDeps>[];
  service: ConnectorService<JobDeps>;
}

let setup: Setup;
const connector = createJobConnector('jobby');

/** A worker for the test's queues; `hold` makes its count_job hang before the first step. */
async function addWorker(deps: JobDeps, settings: { lockDurationMs?: number; stalledIntervalMs?: number } = {}): Promise<JobWorker<JobDeps>> {
  const worker = new JobWorker({ connector, deps, redisUrl: REDIS_URL, namespace: setup.namespace, logger: silent, concurrency: 2, ...settings });
  await worker.start();
  setup.workers.push(worker);
  return worker;
}

async function start(progressWaitMs = 10_000): Promise<void> {
  const namespace = `jobtest${process.pid}x${Math.floor(Math.random() * 1e9)}`;
  const queues = new BullJobQueues({ redisUrl: REDIS_URL, namespace, logger: silent, attempts: 3, backoffMs: 50, keepMs: 60_000 });
  const fixture = new HubFixture();
  await fixture.start({}, 5000, { jobs: new HubJobs({ queues, logger: silent, progressWaitMs }) });
  const service = await runConnector(connector, { bus: fixture.bus, deps: jobDeps(), heartbeatMs: 2000, logger: silent });
  await waitFor(() => fixture.hub.inventory.replicaCount('jobby') > 0);
  setup = { fixture, queues, namespace, workers: [], service };
}

afterEach(async () => {
  for (const worker of setup.workers) await worker.close(true);
  await setup.queues.close();
  await setup.service.stop();
  await setup.fixture.stop();
  // Leave nothing of this test's namespace in the shared Redis.
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${setup.namespace}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

function text(result: { content?: unknown }): string {
  return ((result.content ?? []) as Array<{ type: string; text?: string }>).map((block) => block.text ?? '').join('\n');
}

function jobIdOf(result: { content?: unknown }): string {
  const link = ((result.content ?? []) as Array<{ type: string; uri?: string }>).find((block) => block.type === 'resource_link');
  if (!link?.uri) throw new Error(`no job link in ${JSON.stringify(result)}`);
  return link.uri.slice('jobs://'.length);
}

async function jobStatus(client: Client, jobId: string): Promise<Record<string, unknown>> {
  const result = await client.callTool({ name: 'jobs_get', arguments: { jobId } });
  return (result.structuredContent ?? { text: text(result) }) as Record<string, unknown>;
}

async function untilStatus(client: Client, jobId: string, status: string): Promise<Record<string, unknown>> {
  const until = Date.now() + 10_000;
  for (;;) {
    const state = await jobStatus(client, jobId);
    if (state.status === status) return state;
    if (Date.now() > until) throw new Error(`job ${jobId} never reached ${status}: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('long-running tools on BullMQ', () => {
  it('streams progress to a client that sent a progressToken and answers with the result', async () => {
    await start();
    const deps = jobDeps();
    await addWorker(deps);
    const client = await setup.fixture.client();
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['jobby_count_job', 'jobs_get', 'jobs_cancel']));
    const progress: number[] = [];
    const result = await client.callTool({ name: 'jobby_count_job', arguments: { steps: 3, step_ms: 20 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ completed: 3, principal: 'tester' });
    expect(progress).toEqual([1, 2, 3]);
    expect(deps.completed).toHaveLength(1);
  });

  it('answers with a jobs:// link without a progressToken; jobs_get and the resource give the result to its owner only', async () => {
    await start();
    await addWorker(jobDeps());
    const client = await setup.fixture.client();
    const started = await client.callTool({ name: 'jobby_count_job', arguments: { steps: 2, step_ms: 10 } });
    expect(started.isError).toBeFalsy();
    const jobId = jobIdOf(started);
    expect(text(started)).toContain('jobs_get');
    const done = await untilStatus(client, jobId, 'completed');
    expect(done.result).toEqual({ completed: 2, principal: 'tester' });
    const read = await client.readResource({ uri: `jobs://${jobId}` });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ jobId, status: 'completed' });

    const other = await setup.fixture.client('2025', await setup.fixture.addFront({ id: 'mallory', scopes: ['*'] }));
    const peek = await other.callTool({ name: 'jobs_get', arguments: { jobId } });
    expect(peek.isError).toBe(true);
    expect(text(peek)).toBe(`No job ${jobId}.`);
    const cancel = await other.callTool({ name: 'jobs_cancel', arguments: { jobId } });
    expect(cancel.isError).toBe(true);
    await expect(other.readResource({ uri: `jobs://${jobId}` })).rejects.toThrow(/not found/i);
  });

  it('serves a 2026-07-28 client the same way: a link, then jobs_get', async () => {
    await start();
    await addWorker(jobDeps());
    const client = await setup.fixture.client('2026');
    const jobId = jobIdOf(await client.callTool({ name: 'jobby_count_job', arguments: { steps: 1, step_ms: 10 } }));
    expect(await untilStatus(client, jobId, 'completed')).toMatchObject({ result: { completed: 1, principal: 'tester' } });
  });

  it('refuses jobs_get arguments that are not a job id, and ids of no job', async () => {
    await start();
    const client = await setup.fixture.client();
    const missing = await client.callTool({ name: 'jobs_get', arguments: {} });
    expect(missing.isError).toBe(true);
    const odd = await client.callTool({ name: 'jobs_get', arguments: { jobId: '../../etc' } });
    expect(text(odd)).toBe('No job ../../etc.');
    const unknown = await client.callTool({ name: 'jobs_cancel', arguments: { jobId: 'jobby-00000000-0000-0000-0000-000000000000' } });
    expect(unknown.isError).toBe(true);
  });

  it('answers with a link when the job outlasts the progress wait, and the result is fetched later', async () => {
    await start(150);
    await addWorker(jobDeps());
    const client = await setup.fixture.client();
    const progress: number[] = [];
    const result = await client.callTool({ name: 'jobby_count_job', arguments: { steps: 4, step_ms: 100 } }, { onprogress: (p) => progress.push(p.progress) });
    const jobId = jobIdOf(result);
    expect(text(result)).toContain('still running');
    expect(await untilStatus(client, jobId, 'completed')).toMatchObject({ result: { completed: 4 } });
  });

  it('cancels the job when the client cancels the call, and stops its handler', async () => {
    await start();
    const deps = jobDeps();
    await addWorker(deps);
    const client = await setup.fixture.client();
    const controller = new AbortController();
    const call = client.callTool({ name: 'jobby_count_job', arguments: { steps: 200, step_ms: 20 } }, { signal: controller.signal, onprogress: () => controller.abort() });
    await expect(call).rejects.toThrow();
    await waitFor(() => deps.aborted.length === 1, 5000, 'the handler to be aborted');
    expect(deps.completed).toHaveLength(0);
    const jobId = deps.aborted[0]!;
    expect(await untilStatus(client, jobId, 'cancelled')).toMatchObject({ error: { kind: 'cancelled' } });
  });

  it('jobs_cancel stops a running job of its owner', async () => {
    await start();
    const deps = jobDeps();
    await addWorker(deps);
    const client = await setup.fixture.client();
    const jobId = jobIdOf(await client.callTool({ name: 'jobby_count_job', arguments: { steps: 200, step_ms: 20 } }));
    await waitFor(() => deps.started.includes(jobId), 5000, 'the job to start');
    const cancel = await client.callTool({ name: 'jobs_cancel', arguments: { jobId } });
    expect(cancel.isError).toBeFalsy();
    await untilStatus(client, jobId, 'cancelled');
    expect(deps.aborted).toEqual([jobId]);
  });

  it('a job whose worker dies mid-job completes on another worker, once', async () => {
    await start();
    const fast = { lockDurationMs: 600, stalledIntervalMs: 300 };
    // The first worker hangs inside the handler, then goes away without failing the job: a killed process.
    const dying = jobDeps(new Promise<void>(() => undefined));
    const first = await addWorker(dying, fast);
    const client = await setup.fixture.client();
    const jobId = jobIdOf(await client.callTool({ name: 'jobby_count_job', arguments: { steps: 2, step_ms: 10 } }));
    await waitFor(() => dying.started.includes(jobId), 5000, 'the first worker to take the job');
    await first.close(true);
    const survivor = jobDeps();
    await addWorker(survivor, fast);
    expect(await untilStatus(client, jobId, 'completed')).toMatchObject({ result: { completed: 2 } });
    expect(survivor.completed).toEqual([jobId]);
    expect(dying.completed).toEqual([]);
  });

  it('retries transient failures with backoff and fails bad input and forbidden calls at once', async () => {
    await start();
    const deps = jobDeps();
    await addWorker(deps);
    const client = await setup.fixture.client();
    const call = async (kind: string, failures: number) => jobIdOf(await client.callTool({ name: 'jobby_flaky_job', arguments: { kind, failures } }));
    const upstream = await call('upstream', 2);
    const limited = await call('rate_limited', 1);
    const forbidden = await call('forbidden', 1);
    const invalid = await call('invalid_arguments', 1);
    const unauthorized = await call('unauthorized', 1);
    expect(await untilStatus(client, upstream, 'completed')).toMatchObject({ result: { attempts: 3 } });
    expect(await untilStatus(client, limited, 'completed')).toMatchObject({ result: { attempts: 2 } });
    expect(await untilStatus(client, forbidden, 'failed')).toMatchObject({ error: { kind: 'forbidden', message: 'attempt 1 failed (forbidden)' } });
    await untilStatus(client, invalid, 'failed');
    await untilStatus(client, unauthorized, 'failed');
    expect([forbidden, invalid, unauthorized].map((id) => deps.attempts.get(id))).toEqual([1, 1, 1]);
  });
});
