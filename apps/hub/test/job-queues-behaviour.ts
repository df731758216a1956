import { newJobId, type JobData } from '@mcp-hub/connector-contract';
import { jobDeps, type JobDeps } from '@mcp-hub/connector-kit/testing';
import type { JobEvent, JobQueues, JobState } from '../src/jobs/job-queues';

/** One runner under test: its queues, and workers (connector replicas) that run the `jobby` test connector's jobs. */
export interface JobRunnerHarness {
  /** The current queues (replaced by {@link restart}). */
  queues: JobQueues;
  /** Starts a worker whose handlers record into `deps`. */
  addWorker(deps: JobDeps): Promise<void>;
  /** A crash of hub and workers: running jobs are abandoned unfinished; the queues are opened again on the same state, with no worker. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface JobRunnerSettings {
  /** Jobs of the connector that run at once. */
  concurrency: number;
  /** How long a finished job is kept, ms. */
  keepMs: number;
}

const principal = { id: 'alice', scopes: ['*'] };

/** Resolves once `condition` holds (checked every 20 ms); fails naming `what` after `timeoutMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function job(tool: string, args: Record<string, unknown>, deadlineMs = 20_000): JobData {
  return { tool, arguments: args, principal, deadline: Date.now() + deadlineMs };
}

/**
 * The behaviour every {@link JobQueues} has (BullMQ and the embedded runner), as
 * `describeBusBehaviour` is the buses'. Each test opens its own harness.
 */
export function describeJobQueuesBehaviour(name: string, open: (settings: JobRunnerSettings) => Promise<JobRunnerHarness>): void {
  describe(`${name} job runner`, () => {
    let harness: JobRunnerHarness | undefined;
    const start = async (settings: Partial<JobRunnerSettings> = {}) => (harness = await open({ concurrency: 2, keepMs: 60_000, ...settings }));
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    async function submit(h: JobRunnerHarness, data: JobData, events?: JobEvent[]): Promise<string> {
      const jobId = newJobId('jobby');
      if (events) await h.queues.watch(jobId, (event) => events.push(event));
      await h.queues.submit(jobId, data);
      return jobId;
    }

    async function until(h: JobRunnerHarness, jobId: string, status: JobState['status'], timeoutMs = 10_000): Promise<JobState> {
      let last: JobState | undefined;
      await waitFor(async () => (last = await h.queues.state(jobId))?.status === status, timeoutMs, () => `job to be ${status} (was ${JSON.stringify(last)})`);
      return last!;
    }

    it('runs a job to its result, telling a watcher its progress then its end', async () => {
      const h = await start();
      const deps = jobDeps();
      await h.addWorker(deps);
      const events: JobEvent[] = [];
      const jobId = await submit(h, job('count_job', { steps: 3, step_ms: 10 }), events);
      const done = await until(h, jobId, 'completed');
      expect(done).toMatchObject({ jobId, principalId: 'alice', result: { structuredContent: { completed: 3, principal: 'alice' } }, progress: { progress: 3, total: 3 } });
      await waitFor(() => events.some((event) => event.type === 'completed'), 5000, 'the completed event');
      expect(events.map((event) => (event.type === 'progress' ? event.progress.progress : event.type))).toEqual([1, 2, 3, 'completed']);
      expect(deps.completed).toHaveLength(1);
    });

    it('knows no job for an id it never gave, or one that is not a job id', async () => {
      const h = await start();
      expect(await h.queues.state(newJobId('jobby'))).toBeUndefined();
      expect(await h.queues.state('../etc')).toBeUndefined();
    });

    it('cancels a running job: its handler is aborted and it ends as cancelled', async () => {
      const h = await start();
      const deps = jobDeps();
      await h.addWorker(deps);
      const events: JobEvent[] = [];
      const jobId = await submit(h, job('count_job', { steps: 500, step_ms: 20 }), events);
      await waitFor(() => deps.started.length === 1, 5000, 'the job to start');
      await h.queues.cancel(jobId);
      expect(await until(h, jobId, 'cancelled')).toMatchObject({ error: { kind: 'cancelled' } });
      await waitFor(() => deps.aborted.length === 1, 5000, 'the handler to be aborted');
      expect(deps.completed).toHaveLength(0);
      expect(events.at(-1)).toMatchObject({ type: 'failed', error: { kind: 'cancelled' } });
    });

    it('never starts a job cancelled while it waited', async () => {
      const h = await start();
      const jobId = await submit(h, job('count_job', { steps: 1, step_ms: 10 }));
      await h.queues.cancel(jobId);
      const deps = jobDeps();
      await h.addWorker(deps);
      expect(await until(h, jobId, 'cancelled')).toMatchObject({ error: { kind: 'cancelled' } });
      // A later job on the same worker runs: the cancelled one was passed over, not stuck.
      await until(h, await submit(h, job('count_job', { steps: 1, step_ms: 10 })), 'completed');
      expect(deps.started).toHaveLength(1);
    });

    it('fails a job that runs past its deadline as timeout, and aborts its handler', async () => {
      const h = await start();
      const deps = jobDeps();
      await h.addWorker(deps);
      const jobId = await submit(h, job('count_job', { steps: 500, step_ms: 20 }, 400));
      expect(await until(h, jobId, 'failed')).toMatchObject({ error: { kind: 'timeout' } });
      await waitFor(() => deps.aborted.length === 1, 5000, 'the handler to be aborted');
      expect(deps.completed).toHaveLength(0);
    });

    it('retries transient kinds with backoff up to the attempts, and fails the others at once', async () => {
      const h = await start();
      const deps = jobDeps();
      await h.addWorker(deps);
      const upstream = await submit(h, job('flaky_job', { kind: 'upstream', failures: 2 }));
      const limited = await submit(h, job('flaky_job', { kind: 'rate_limited', failures: 1 }));
      const exhausted = await submit(h, job('flaky_job', { kind: 'upstream', failures: 5 }));
      const forbidden = await submit(h, job('flaky_job', { kind: 'forbidden', failures: 1 }));
      const invalid = await submit(h, job('flaky_job', { kind: 'invalid_arguments', failures: 1 }));
      expect(await until(h, upstream, 'completed')).toMatchObject({ result: { structuredContent: { attempts: 3 } } });
      expect(await until(h, limited, 'completed')).toMatchObject({ result: { structuredContent: { attempts: 2 } } });
      expect(await until(h, exhausted, 'failed')).toMatchObject({ error: { kind: 'upstream', message: 'attempt 3 failed (upstream)' } });
      expect(await until(h, forbidden, 'failed')).toMatchObject({ error: { kind: 'forbidden', message: 'attempt 1 failed (forbidden)' } });
      expect(await until(h, invalid, 'failed')).toMatchObject({ error: { kind: 'invalid_arguments' } });
      // Attempts of all five: 3 + 2 + 3 + 1 + 1.
      expect([...deps.attempts.values()].reduce((sum, n) => sum + n, 0)).toBe(10);
    });

    it.each([1, 2])('runs at most %i jobs of a connector at once', async (concurrency) => {
      const h = await start({ concurrency });
      const deps = jobDeps();
      await h.addWorker(deps);
      const ids = await Promise.all([1, 2, 3].map(() => submit(h, job('count_job', { steps: 3, step_ms: 40 }))));
      for (const id of ids) await until(h, id, 'completed');
      expect(deps.peakInFlight).toBe(concurrency);
    });

    it('forgets a finished job after the retention time', async () => {
      const h = await start({ keepMs: 1000 });
      await h.addWorker(jobDeps());
      const old = await submit(h, job('count_job', { steps: 1, step_ms: 1 }));
      await until(h, old, 'completed');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      // BullMQ removes expired jobs when another one finishes; the embedded runner at once.
      const fresh = await submit(h, job('count_job', { steps: 1, step_ms: 1 }));
      await until(h, fresh, 'completed');
      await waitFor(async () => (await h.queues.state(old)) === undefined, 3000, 'the old job to be forgotten');
      expect(await h.queues.state(fresh)).toMatchObject({ status: 'completed' });
    });

    it('runs a job interrupted by a crash, and one still queued, again after the restart: each completes once', async () => {
      const h = await start({ concurrency: 1 });
      // Released when the test ends, so that the abandoned handler ends too (its timers would keep jest alive).
      let release!: () => void;
      const hung = jobDeps(new Promise<void>((resolve) => (release = resolve)));
      await h.addWorker(hung);
      const running = await submit(h, job('count_job', { steps: 2, step_ms: 10 }));
      const queued = await submit(h, job('count_job', { steps: 1, step_ms: 10 }));
      await waitFor(() => hung.started.length === 1, 5000, 'the first job to start');
      await h.restart();
      const survivor = jobDeps();
      await h.addWorker(survivor);
      expect(await until(h, running, 'completed', 15_000)).toMatchObject({ result: { structuredContent: { completed: 2 } } });
      expect(await until(h, queued, 'completed', 15_000)).toMatchObject({ result: { structuredContent: { completed: 1 } } });
      expect(hung.completed).toEqual([]);
      expect(survivor.completed).toHaveLength(2);
      release();
    });
  });
}
