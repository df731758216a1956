import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  JobFailureSchema,
  JobKeys,
  JobProgressSchema,
  ToolResultSchema,
  connectorOfJob,
  type JobData,
  type JobFailure,
} from '@mcp-hub/connector-contract';
import { UNKNOWN_FAILURE, type JobEvent, type JobQueues, type JobState, type JobSummary } from './job-queues';

export type { JobEvent, JobState, JobStatus, JobSummary } from './job-queues';


export interface BullJobQueuesOptions {
  redisUrl: string;
  /** The deployment namespace (as the bus's). Default `mcphub`. */
  namespace?: string;
  logger: Logger;
  /** Attempts per job for the error kinds that are retried. Default 3. */
  attempts?: number;
  /** First retry delay, ms, doubled on each attempt. Default 1000. */
  backoffMs?: number;
  /** How long a finished job (its result or error) is kept, ms. Default 24 h. */
  keepMs?: number;
}

interface ConnectorQueue {
  queue: Queue;
  events: QueueEvents;
  /** Their connections: BullMQ leaves a connection it was given open on close. */
  connections: Redis[];
}

/**
 * The hub's side of BullMQ: puts jobs on each connector's queue (producer), observes them through
 * one `QueueEvents` per queue shared by every job of this hub process (observer, never a listener
 * per job), reads their state, and cancels them.
 */
export class BullJobQueues implements JobQueues {
  private readonly keys: JobKeys;
  private readonly redis: Redis;
  private readonly queues = new Map<string, Promise<ConnectorQueue>>();
  private readonly watchers = new Map<string, Set<(event: JobEvent) => void>>();

  constructor(private readonly options: BullJobQueuesOptions) {
    this.keys = new JobKeys(options.namespace);
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  }

  /** Enqueues `data` as job `jobId` (from `newJobId(connector)`); retried kinds get `attempts` tries with exponential backoff. */
  async submit(jobId: string, data: JobData): Promise<void> {
    const { queue } = await this.connectorQueue(this.ownerOf(jobId));
    const keepSeconds = Math.ceil((this.options.keepMs ?? 86_400_000) / 1000);
    await queue.add(data.tool, data, {
      jobId,
      attempts: this.options.attempts ?? 3,
      backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
      removeOnComplete: { age: keepSeconds },
      removeOnFail: { age: keepSeconds },
    });
  }

  /** Calls `listener` with the job's progress and its end; returns the function that stops it. Watch before {@link submit} to miss nothing. */
  async watch(jobId: string, listener: (event: JobEvent) => void): Promise<() => void> {
    await this.connectorQueue(this.ownerOf(jobId));
    let set = this.watchers.get(jobId);
    if (!set) this.watchers.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.watchers.delete(jobId);
    };
  }

  /** The job's state, or undefined when there is no such job (never was, or its result expired). */
  async state(jobId: string): Promise<JobState | undefined> {
    const connector = connectorOfJob(jobId);
    if (!connector) return undefined;
    const { queue } = await this.connectorQueue(connector);
    // State first: a job read before it finished would lack the result its later state promises.
    const bullState = await queue.getJobState(jobId);
    const job: Job | undefined = await queue.getJob(jobId);
    if (!job) return undefined;
    const principalId = (job.data as JobData | undefined)?.principal?.id;
    if (typeof principalId !== 'string') return undefined;
    const progress = JobProgressSchema.safeParse(job.progress);
    const updatedAt = Math.max(job.timestamp, job.processedOn ?? 0, job.finishedOn ?? 0);
    const state: JobState = { jobId, principalId, createdAt: job.timestamp, updatedAt, status: 'waiting', ...(progress.success && { progress: progress.data }) };
    if (bullState === 'completed') {
      const result = ToolResultSchema.safeParse(job.returnvalue);
      return { ...state, status: 'completed', ...(result.success ? { result: result.data } : { error: UNKNOWN_FAILURE }) };
    }
    if (bullState === 'failed') {
      const error = parseFailure(job.failedReason);
      return { ...state, status: error.kind === 'cancelled' ? 'cancelled' : 'failed', error };
    }
    return { ...state, status: bullState === 'active' ? 'active' : 'waiting' };
  }

  /** The newest jobs of `connector`'s queue (at most `limit`), in every state, newest first. */
  async recent(connector: string, limit: number): Promise<JobSummary[]> {
    const { queue } = await this.connectorQueue(connector);
    const jobs = await queue.getJobs(['active', 'waiting', 'delayed', 'prioritized', 'completed', 'failed'], 0, limit - 1, false);
    const summaries = await Promise.all(
      jobs.filter((job): job is Job => job?.id !== undefined).map(async (job): Promise<JobSummary> => {
        const bullState = await job.getState();
        const data = job.data as Partial<JobData> | undefined;
        const progress = JobProgressSchema.safeParse(job.progress);
        const status: JobSummary['status'] =
          bullState === 'completed' ? 'completed' : bullState === 'failed' ? (parseFailure(job.failedReason).kind === 'cancelled' ? 'cancelled' : 'failed') : bullState === 'active' ? 'active' : bullState === 'delayed' ? 'delayed' : 'waiting';
        return {
          jobId: job.id!,
          connector,
          tool: job.name,
          status,
          ...(typeof data?.principal?.id === 'string' && { principalId: data.principal.id }),
          ...(progress.success && { progress: progress.data }),
          createdAt: job.timestamp,
          ...(job.finishedOn !== undefined && { finishedAt: job.finishedOn }),
          attempts: job.attemptsMade,
        };
      }),
    );
    return summaries.sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
  }

  /**
   * Cancels a job: marks it so that no worker starts it, and tells the workers running it to
   * abort. Its end (`failed`, kind `cancelled`) comes as any other.
   */
  async cancel(jobId: string): Promise<void> {
    const connector = this.ownerOf(jobId);
    await this.redis.set(this.keys.cancelMark(connector, jobId), '1', 'PX', this.options.keepMs ?? 86_400_000);
    await this.redis.publish(this.keys.cancelChannel(connector), jobId);
  }

  async close(): Promise<void> {
    for (const pending of this.queues.values()) {
      const opened = await pending.catch(() => undefined);
      await opened?.events.close();
      await opened?.queue.close();
      for (const connection of opened?.connections ?? []) connection.disconnect();
    }
    this.queues.clear();
    this.redis.disconnect();
  }

  private ownerOf(jobId: string): string {
    const connector = connectorOfJob(jobId);
    if (!connector) throw new Error(`not a job id: ${jobId.slice(0, 100)}`);
    return connector;
  }

  private connectorQueue(connector: string): Promise<ConnectorQueue> {
    let pending = this.queues.get(connector);
    if (!pending) {
      pending = this.openQueue(connector);
      this.queues.set(connector, pending);
      pending.catch(() => this.queues.delete(connector));
    }
    return pending;
  }

  private async openQueue(connector: string): Promise<ConnectorQueue> {
    const name = this.keys.queue(connector);
    const connections = [0, 1].map(() => new Redis(this.options.redisUrl, { maxRetriesPerRequest: null }));
    const queue = new Queue(name, { connection: connections[0]!, prefix: this.keys.prefix });
    // QueueEvents blocks on its connection (XREAD BLOCK): it needs one of its own.
    const events = new QueueEvents(name, { connection: connections[1]!, prefix: this.keys.prefix });
    queue.on('error', (error) => this.options.logger.warn({ err: error, connector }, 'job queue error'));
    events.on('error', (error) => this.options.logger.warn({ err: error, connector }, 'job events error'));
    events.on('progress', ({ jobId, data }) => {
      const progress = JobProgressSchema.safeParse(data);
      if (progress.success) this.notify(jobId, { type: 'progress', progress: progress.data });
    });
    events.on('completed', ({ jobId, returnvalue }) => {
      const result = ToolResultSchema.safeParse(parseJson(returnvalue));
      this.notify(jobId, result.success ? { type: 'completed', result: result.data } : { type: 'failed', error: UNKNOWN_FAILURE });
    });
    events.on('failed', ({ jobId, failedReason }) => this.notify(jobId, { type: 'failed', error: parseFailure(failedReason) }));
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    return { queue, events, connections };
  }

  private notify(jobId: string, event: JobEvent): void {
    for (const listener of this.watchers.get(jobId) ?? []) listener(event);
  }
}

/** A worker's failure JSON; anything else (BullMQ's own reasons, a stalled job given up) is a generic internal failure. */
function parseFailure(reason: string | undefined): JobFailure {
  const parsed = JobFailureSchema.safeParse(parseJson(reason));
  return parsed.success ? parsed.data : UNKNOWN_FAILURE;
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
