import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JobKeys, newJobId, type JobData } from '@mcp-hub/connector-contract';
import { JobWorker } from '@mcp-hub/connector-kit';
import { createJobConnector, jobDeps, type JobDeps } from '@mcp-hub/connector-kit/testing';
import { PrincipalAssertionSigner } from '../src/auth/principal-assertion-signer';
import { BullJobQueues, type JobState } from '../src/jobs/bull-job-queues';
import { HubJobs } from '../src/jobs/hub-jobs';
import { silent } from './hub-fixture';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connector = createJobConnector('jobby');
const tester = { id: 'tester', scopes: ['jobs:run'] };

let namespace: string;
let queues: BullJobQueues;
let jobs: HubJobs;
let signer: PrincipalAssertionSigner;
let worker: JobWorker<JobDeps>;
let deps: JobDeps;
let redis: Redis;
let rawQueue: Queue;
let rawConnection: Redis;

beforeEach(async () => {
  namespace = `jobsigned${process.pid}x${Math.floor(Math.random() * 1e9)}`;
  const keys = new JobKeys(namespace);
  const pair = PrincipalAssertionSigner.ephemeral();
  signer = pair.signer;
  queues = new BullJobQueues({ redisUrl: REDIS_URL, namespace, logger: silent, attempts: 3, backoffMs: 20, keepMs: 60_000 });
  jobs = new HubJobs({ queues, logger: silent, assertions: signer });
  deps = jobDeps();
  worker = new JobWorker({ connector, deps, redisUrl: REDIS_URL, namespace, logger: silent, assertionKeys: [pair.publicKey] });
  await worker.start();
  redis = new Redis(REDIS_URL);
  // What someone with write access to Redis, but not the hub's key, can do: add jobs of their own.
  rawConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  rawQueue = new Queue(keys.queue('jobby'), { connection: rawConnection, prefix: keys.prefix });
});

afterEach(async () => {
  await worker.close(true);
  await queues.close();
  await rawQueue.close();
  rawConnection.disconnect();
  const keys = await redis.keys(`${namespace}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function ended(jobId: string): Promise<JobState> {
  const until = Date.now() + 10_000;
  for (;;) {
    const state = await queues.state(jobId);
    if (state && state.status !== 'waiting' && state.status !== 'active') return state;
    if (Date.now() > until) throw new Error(`job ${jobId} did not end: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function jobIdOf(result: { content: unknown[] }): string {
  const link = (result.content as Array<{ type: string; uri?: string }>).find((block) => block.type === 'resource_link');
  return link!.uri!.slice('jobs://'.length);
}

/** Adds a job straight to the connector's queue, as an attacker with Redis access would. */
async function inject(data: Partial<JobData> & Pick<JobData, 'principal'>, jobId = newJobId('jobby')): Promise<string> {
  const job: JobData = { tool: 'count_job', arguments: { steps: 1, step_ms: 5 }, deadline: Date.now() + 60_000, ...data };
  await rawQueue.add(job.tool, job, { jobId, attempts: 3, backoff: { type: 'fixed', delay: 20 } });
  return jobId;
}

async function expectRefused(jobId: string): Promise<void> {
  const state = await ended(jobId);
  expect(state.status).toBe('failed');
  expect(state.error).toEqual({ kind: 'forbidden', message: 'The job was refused: the hub did not sign it for this principal.' });
  // Not retried, and the handler never ran.
  expect((await rawQueue.getJob(jobId))?.attemptsMade).toBe(1);
  expect(deps.started).not.toContain(jobId);
}

describe('signed job principals', () => {
  it('a job the hub queued runs for the principal it signed', async () => {
    const jobId = jobIdOf(await jobs.call('jobby', 'count_job', { steps: 1, step_ms: 5 }, { principal: tester }));
    const state = await ended(jobId);
    expect(state.status).toBe('completed');
    expect(state.result?.structuredContent).toEqual({ completed: 1, principal: 'tester' });
  });

  it('refuses a job written into Redis with a forged principal and no assertion, without retrying it', async () => {
    await expectRefused(await inject({ principal: { id: 'admin', scopes: ['*'], roles: ['admin'] } }));
  });

  it('refuses a job whose assertion was copied from another job, or whose arguments or tool were changed', async () => {
    const signedId = jobIdOf(await jobs.call('jobby', 'count_job', { steps: 1, step_ms: 5 }, { principal: tester }));
    await ended(signedId);
    const signed = (await rawQueue.getJob(signedId))!.data as JobData;
    expect(signed.assertion).toEqual(expect.any(String));
    deps.started.length = 0;
    // The same assertion on a new job id, and on the same id with other arguments, then another tool.
    await expectRefused(await inject({ principal: tester, assertion: signed.assertion }));
    await rawQueue.remove(signedId);
    await expectRefused(await inject({ principal: tester, assertion: signed.assertion, arguments: { steps: 999, step_ms: 5 } }, signedId));
    await rawQueue.remove(signedId);
    await expectRefused(await inject({ principal: tester, assertion: signed.assertion, tool: 'flaky_job', arguments: { steps: 1, step_ms: 5 } }, signedId));
  });

  it("refuses a call's assertion, an assertion for another connector and one signed by another key", async () => {
    const jobId = newJobId('jobby');
    // A call's assertion (typ mcphub-assertion+jwt) is not a job's, even for the right id.
    await expectRefused(await inject({ principal: tester, assertion: await signer.sign(tester, 'jobby', jobId) }, jobId));
    const deadline = Date.now() + 60_000;
    const subject = { jobId: newJobId('jobby'), tool: 'count_job', arguments: { steps: 1, step_ms: 5 }, deadline };
    const elsewhere = await signer.signJob(tester, { ...subject, connector: 'other' });
    await expectRefused(await inject({ principal: tester, assertion: elsewhere }, subject.jobId));
    const stranger = PrincipalAssertionSigner.ephemeral().signer;
    const other = { ...subject, jobId: newJobId('jobby') };
    await expectRefused(await inject({ principal: tester, assertion: await stranger.signJob(tester, { ...other, connector: 'jobby' }) }, other.jobId));
  });

  it('runs a job for the principal its assertion names, whatever its data claims', async () => {
    const jobId = newJobId('jobby');
    const args = { steps: 1, step_ms: 5 };
    const assertion = await signer.signJob(tester, { connector: 'jobby', jobId, tool: 'count_job', arguments: args, deadline: Date.now() + 60_000 });
    await inject({ principal: { id: 'admin', scopes: ['*'] }, assertion, arguments: args }, jobId);
    expect((await ended(jobId)).result?.structuredContent).toEqual({ completed: 1, principal: 'tester' });
  });
});
