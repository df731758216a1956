import { Redis } from 'ioredis';
import { runConnector, JobWorker, type ConnectorService } from '@mcp-hub/connector-kit';
import { createJobConnector, jobDeps, type JobDeps } from '@mcp-hub/connector-kit/testing';
import { BullJobQueues } from '../src/jobs/bull-job-queues';
import { HubJobs } from '../src/jobs/hub-jobs';
import { HubFixture, silent, waitFor } from './hub-fixture';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_TOKEN = 'admin-token-for-jobs-view-7d1f';

/** The admin page's jobs view, read from BullMQ on the real Redis: recent jobs with status and progress, never their arguments. */
describe('admin jobs view', () => {
  const namespace = `adminjobs${process.pid}x${Math.floor(Math.random() * 1e9)}`;
  let queues: BullJobQueues;
  let fixture: HubFixture;
  let service: ConnectorService<JobDeps>;
  let worker: JobWorker<JobDeps> | undefined;

  beforeAll(async () => {
    queues = new BullJobQueues({ redisUrl: REDIS_URL, namespace, logger: silent, attempts: 1, keepMs: 60_000 });
    fixture = await new HubFixture().start({ adminToken: ADMIN_TOKEN }, 5000, { jobs: new HubJobs({ queues, logger: silent, progressWaitMs: 0 }) });
    service = await runConnector(createJobConnector(), { bus: fixture.bus, deps: jobDeps(), heartbeatMs: 2000, logger: silent });
    await waitFor(() => fixture.hub.inventory.replicaCount('jobby') > 0);
  });

  afterAll(async () => {
    await worker?.close(true);
    await queues?.close();
    await service?.stop();
    await fixture?.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const fragment = async (token = ADMIN_TOKEN) => {
    const response = await fetch(`${fixture.url.replace(/\/mcp$/, '')}/admin/fragments/jobs`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, text: await response.text() };
  };

  it('lists the jobs of live job connectors, newest first, waiting then completed, without their arguments', async () => {
    expect((await fragment()).text).toContain('No job yet');
    const principal = { id: 'alice', scopes: ['*'] };
    const first = await fixture.hub.callTool('jobby_count_job', { steps: 1, step_ms: 10 }, { principal });
    await new Promise((resolve) => setTimeout(resolve, 5)); // distinct enqueue times: the order is then defined
    const second = await fixture.hub.callTool('jobby_count_job', { steps: 2, step_ms: 10 }, { principal });
    const ids = [first, second].map((r) => ((r.content ?? []) as Array<{ uri?: string }>).find((b) => b.uri)!.uri!.slice('jobs://'.length));

    const waiting = await fragment();
    expect(waiting.status).toBe(200);
    expect(waiting.text.indexOf(ids[1]!)).toBeGreaterThan(-1);
    expect(waiting.text.indexOf(ids[1]!)).toBeLessThan(waiting.text.indexOf(ids[0]!));
    expect(waiting.text).toMatch(/jobby_count_job<\/td><td class="">waiting<\/td>/);
    expect(waiting.text).toContain('<td>alice</td>');
    expect(waiting.text).not.toContain('step_ms');

    worker = new JobWorker({ connector: service.connector, deps: jobDeps(), redisUrl: REDIS_URL, namespace, logger: silent, concurrency: 2 });
    await worker.start();
    const deadline = Date.now() + 10_000;
    let done = await fragment();
    while (done.text.split('>completed<').length !== 3) {
      if (Date.now() > deadline) throw new Error(`the jobs did not complete: ${done.text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      done = await fragment();
    }
    expect(done.text).toContain('2 / 2 step 2 of 2');
    expect(done.text).not.toContain('step_ms');
  });

  it('is behind the admin token', async () => {
    expect((await fragment('not-the-admin-token-at-all')).status).toBe(401);
  });
});
