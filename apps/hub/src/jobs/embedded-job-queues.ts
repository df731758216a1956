import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Bus } from '@mcp-hub/bus';
import {
  RETRIED_JOB_ERROR_KINDS,
  Subjects,
  ToolResultSchema,
  connectorOfJob,
  type JobData,
  type JobFailure,
  type ToolResult,
} from '@mcp-hub/connector-contract';
import type { PrincipalAssertionSigner } from '../auth/principal-assertion-signer';
import { BusInvoker } from '../invocation/bus-invoker';
import { HubLocalError } from '../invocation/hub-errors';
import { UNKNOWN_FAILURE, type JobEvent, type JobQueues, type JobState, type JobSummary } from './job-queues';
import type { JobRecord, JobStore } from './job-store';

export interface EmbeddedJobQueuesOptions {
  /** Where jobs are kept (`SqliteJobStore` on `<dataDir>/jobs.sqlite`); closed by {@link EmbeddedJobQueues.close}. */
  store: JobStore;
  /** The bus the connectors serve on: a job runs as an ordinary call of its tool. */
  bus: Bus;
  /** The deployment namespace (as the bus's). Default `mcphub`. */
  namespace?: string;
  logger: Logger;
  /** Signs each call's principal assertion, as the hub's own calls. */
  assertions?: PrincipalAssertionSigner;
  /** Jobs of `connector` run at once. Default 1 for every connector. */
  concurrencyOf?: (connector: string) => number;
  /** Attempts per job for the error kinds that are retried. Default 3. */
  attempts?: number;
  /** First retry delay, ms, doubled on each attempt. Default 1000. */
  backoffMs?: number;
  /** How long a finished job (its result or error) is kept, ms. Default 24 h. */
  keepMs?: number;
  /** How long a job waits before trying again when its connector is not serving (yet), ms. It costs no attempt. Default 1000. */
  unavailableRetryMs?: number;
}

/** Why the runner aborts a running call: a client's cancel, or its own shutdown (the job then runs again after the restart). */
const CANCELLED = 'cancelled';
const SHUTDOWN = 'shutdown';

/**
 * The embedded mode's job runner: the semantics of {@link BullJobQueues} and the kit's
 * `JobWorker` in one process, with every job in a {@link JobStore}. A job is run as an ordinary
 * bus call of its tool (with its own invoker, so the connector serves it like any call: progress
 * on the call's events, `ctx.signal` aborted by a cancel, the job's deadline as the call's).
 * Errors of {@link RETRIED_JOB_ERROR_KINDS} and a lost replica are retried with exponential
 * backoff; a connector that is not serving yet (the hub starts before its connectors) is waited
 * for at no attempt's cost. A job that was waiting or running when the process stopped runs
 * (again, from its start) when the runner starts next: at least once, never lost.
 *
 * A handler finds the job's id in `ctx.jobId`; `ctx.invocationId` is a new id for each attempt
 * here (a call's id: the connector refuses a principal assertion whose id it has seen), the job's
 * id under a BullMQ worker.
 */
export class EmbeddedJobQueues implements JobQueues {
  private readonly subjects: Subjects;
  private readonly invoker: BusInvoker;
  private readonly watchers = new Map<string, Set<(event: JobEvent) => void>>();
  private readonly running = new Map<string, { connector: string; controller: AbortController; done: Promise<void> }>();
  private readonly keepMs: number;
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private pruneTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: EmbeddedJobQueuesOptions) {
    this.subjects = new Subjects(options.namespace);
    this.keepMs = options.keepMs ?? 86_400_000;
    this.invoker = new BusInvoker({
      bus: options.bus,
      hubId: `jobs-${randomBytes(4).toString('hex')}`,
      subjects: this.subjects,
      logger: options.logger,
      assertions: options.assertions,
    });
  }

  /** Subscribes to call events, takes back the jobs a stop interrupted, and starts running due jobs. */
  async start(): Promise<void> {
    await this.invoker.start();
    const interrupted = this.options.store.recoverInterrupted(Date.now());
    if (interrupted.length > 0) this.options.logger.info({ jobs: interrupted.length }, 'jobs interrupted by a stop run again');
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), Math.min(this.keepMs, 60_000));
    this.pruneTimer.unref();
    this.pump();
  }

  async submit(jobId: string, data: JobData): Promise<void> {
    this.options.store.insert({ jobId, connector: this.ownerOf(jobId), data, runAt: Date.now() });
    this.pump();
  }

  async watch(jobId: string, listener: (event: JobEvent) => void): Promise<() => void> {
    let set = this.watchers.get(jobId);
    if (!set) this.watchers.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.watchers.delete(jobId);
    };
  }

  async state(jobId: string): Promise<JobState | undefined> {
    if (!connectorOfJob(jobId)) return undefined;
    const record = this.options.store.get(jobId);
    // Past its retention a job is gone, whether or not the pruner has deleted it yet.
    if (!record || (record.finishedAt !== undefined && record.finishedAt < Date.now() - this.keepMs)) return undefined;
    return {
      jobId,
      status: record.status,
      principalId: record.data.principal.id,
      createdAt: record.createdAt,
      // The runner does not record when a job started: its end, or its submission, is what it knows.
      updatedAt: record.finishedAt ?? record.createdAt,
      ...(record.progress && { progress: record.progress }),
      ...(record.result && { result: record.result }),
      ...(record.error && { error: record.error }),
    };
  }

  async recent(connector: string, limit: number): Promise<JobSummary[]> {
    return this.options.store.recent(connector, limit).map((record) => ({
      jobId: record.jobId,
      connector,
      tool: record.data.tool,
      status: record.status,
      principalId: record.data.principal.id,
      ...(record.progress && { progress: record.progress }),
      createdAt: record.createdAt,
      ...(record.finishedAt !== undefined && { finishedAt: record.finishedAt }),
      attempts: record.attempts,
    }));
  }

  async cancel(jobId: string): Promise<void> {
    const running = this.running.get(jobId);
    if (running) {
      running.controller.abort(CANCELLED);
      return;
    }
    this.end(jobId, { status: 'cancelled', error: { kind: 'cancelled', message: 'The job was cancelled.' } });
  }

  /** Stops running jobs: those in flight are aborted and left to run again when the runner starts next. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.wakeTimer);
    clearInterval(this.pruneTimer);
    const stopping = [...this.running.values()];
    for (const job of stopping) job.controller.abort(SHUTDOWN);
    await Promise.all(stopping.map((job) => job.done));
    this.invoker.stop();
    this.options.store.close();
  }

  /** Starts every due job its connector has room for, and sets the timer for the next one due later. */
  private pump(): void {
    if (this.closed) return;
    const { store } = this.options;
    const now = Date.now();
    for (const connector of store.dueConnectors(now)) {
      const limit = this.options.concurrencyOf?.(connector) ?? 1;
      while (this.runningOf(connector) < limit) {
        const record = store.claim(connector, now);
        if (!record) break;
        this.run(record);
      }
    }
    const next = store.nextRunAt();
    if (next !== undefined && next > now && next < this.wakeAt) {
      clearTimeout(this.wakeTimer);
      this.wakeAt = next;
      this.wakeTimer = setTimeout(() => {
        this.wakeAt = Infinity;
        this.pump();
      }, next - now);
      this.wakeTimer.unref();
    }
  }

  private runningOf(connector: string): number {
    let count = 0;
    for (const job of this.running.values()) if (job.connector === connector) count++;
    return count;
  }

  private run(record: JobRecord): void {
    const controller = new AbortController();
    const done = this.attempt(record, controller.signal).finally(() => {
      this.running.delete(record.jobId);
      this.pump();
    });
    this.running.set(record.jobId, { connector: record.connector, controller, done });
  }

  private async attempt(record: JobRecord, signal: AbortSignal): Promise<void> {
    const { jobId, connector, data } = record;
    const logger = this.options.logger.child({ jobId, principal: data.principal.id });
    try {
      const outcome = await this.invoker.invoke(connector, this.subjects.invoke(connector, data.tool), { tool: data.tool, arguments: data.arguments, jobId }, ToolResultSchema, {
        principal: data.principal,
        deadline: data.deadline,
        signal,
        ...(data.traceparent && { traceparent: data.traceparent }),
        onProgress: (progress) => {
          this.options.store.setProgress(jobId, progress);
          this.notify(jobId, { type: 'progress', progress });
        },
      });
      if (outcome.ok) return this.end(jobId, { status: 'completed', result: outcome.value as ToolResult });
      const { kind, message, retryAfterMs } = outcome.error;
      const failure: JobFailure = { kind, message: message.slice(0, 4000), ...(retryAfterMs !== undefined && { retryAfterMs }) };
      if (RETRIED_JOB_ERROR_KINDS.has(kind)) return this.retry(record, failure);
      this.end(jobId, { status: 'failed', error: failure });
    } catch (error) {
      if (signal.aborted && signal.reason === SHUTDOWN) return; // stays active: taken back on the next start
      if (signal.aborted) return this.end(jobId, { status: 'cancelled', error: { kind: 'cancelled', message: 'The job was cancelled.' } });
      const kind = error instanceof HubLocalError ? error.kind : undefined;
      if (kind === 'unavailable') {
        // Not started anywhere (no replica serves the tool yet): wait for one, as a job waits on a queue for a worker.
        if (Date.now() < data.deadline) return this.requeue(jobId, Date.now() + (this.options.unavailableRetryMs ?? 1000), true);
        return this.end(jobId, { status: 'failed', error: { kind: 'timeout', message: 'The job ran past its deadline.' } });
      }
      if (kind === 'timeout') return this.end(jobId, { status: 'failed', error: { kind: 'timeout', message: 'The job ran past its deadline.' } });
      // A replica lost mid-job is BullMQ's stalled job: another attempt.
      if (kind === 'replica_lost') return this.retry(record, { kind: 'upstream', message: 'The connector stopped while running the job.' });
      logger.error({ err: error }, 'job failed in the runner');
      this.end(jobId, { status: 'failed', error: UNKNOWN_FAILURE });
    }
  }

  /** Another attempt after the backoff, while attempts and the deadline allow; otherwise fails with `failure`. */
  private retry(record: JobRecord, failure: JobFailure): void {
    const delay = (this.options.backoffMs ?? 1000) * 2 ** (record.attempts - 1);
    if (record.attempts < (this.options.attempts ?? 3) && Date.now() + delay < record.data.deadline) return this.requeue(record.jobId, Date.now() + delay, false);
    this.end(record.jobId, { status: 'failed', error: failure });
  }

  private requeue(jobId: string, runAt: number, refund: boolean): void {
    this.options.store.requeue(jobId, runAt, refund);
  }

  private end(jobId: string, end: { status: 'completed'; result: ToolResult } | { status: 'failed' | 'cancelled'; error: JobFailure }): void {
    if (!this.options.store.finish(jobId, end, Date.now())) return;
    this.notify(jobId, end.status === 'completed' ? { type: 'completed', result: end.result } : { type: 'failed', error: end.error });
  }

  private prune(): void {
    const pruned = this.options.store.prune(Date.now() - this.keepMs);
    if (pruned > 0) this.options.logger.debug({ jobs: pruned }, 'expired jobs deleted');
  }

  private ownerOf(jobId: string): string {
    const connector = connectorOfJob(jobId);
    if (!connector) throw new Error(`not a job id: ${jobId.slice(0, 100)}`);
    return connector;
  }

  private notify(jobId: string, event: JobEvent): void {
    for (const listener of this.watchers.get(jobId) ?? []) listener(event);
  }
}
