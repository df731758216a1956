import type { Logger } from 'pino';
import { connectorOfJob, type Principal, type ToolResult } from '@mcp-hub/connector-contract';
import type { JobEvent, JobState } from '../jobs/bull-job-queues';
import { policyPrincipalOf } from '../policy/policy-principal';
import type { TaskRecord, TaskStore } from './task-store';

/** What tasks need of the job queues (`BullJobQueues` has it). */
export interface TaskJobs {
  state(jobId: string): Promise<JobState | undefined>;
  cancel(jobId: string): Promise<void>;
  watch(jobId: string, listener: (event: JobEvent) => void): Promise<() => void>;
}

/** A task as the hub sees it, before either protocol era's wording (`src/mcp/task-handlers.ts`). */
export interface HubTask {
  taskId: string;
  /** The job behind it; `cancelled` once its creator cancelled the task, whatever the job did after. */
  status: JobState['status'];
  createdAt: number;
  updatedAt: number;
  ttlMs: number;
  pollIntervalMs: number;
  progress?: JobState['progress'];
  /** Once ended: the tool result (a failed or cancelled job's is an `isError` result saying why). */
  result?: ToolResult;
}

export interface HubTasksOptions {
  jobs: TaskJobs;
  store: TaskStore;
  logger: Logger;
  /** Longest a task is kept, ms from its creation; a client's longer `ttl` is cut to it. Default 24 h (as `jobs.keepMinutes`). */
  maxTtlMs?: number;
  /** Shortest task life granted, ms: a smaller `ttl` would let a task vanish before its first poll. Default 10 000. */
  minTtlMs?: number;
  /** What clients are told to wait between polls, ms. Default 2000. */
  pollIntervalMs?: number;
}

/** Role that lets a principal see and cancel everyone's tasks (a `role:admin` scope or the `admin` role). */
export const TASK_ADMIN_ROLE = 'admin';
const PAGE_SIZE = 50;

/**
 * MCP Tasks over the hub's jobs: a task is a job (same id) plus a record of who created it and
 * for how long. Only its creator, or an admin, sees it or cancels it; to anyone else it does not
 * exist. A task never asks for input (`input_required`): a job cannot reach the client.
 */
export class HubTasks {
  private readonly pollIntervalMs: number;

  constructor(private readonly options: HubTasksOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
  }

  /** Closes the store. */
  close(): void {
    this.options.store.close();
  }

  /** The task of a job just queued for `principal`; `ttlMs` is the client's wish, cut to the hub's bounds. */
  async create(jobId: string, principal: Principal, ttlMs?: number): Promise<HubTask> {
    const maxTtl = this.options.maxTtlMs ?? 86_400_000;
    const record: TaskRecord = { taskId: jobId, principalId: principal.id, createdAt: Date.now(), ttlMs: Math.min(maxTtl, Math.max(this.options.minTtlMs ?? 10_000, Math.floor(ttlMs ?? maxTtl))) };
    await this.options.store.put(record);
    return { taskId: jobId, status: 'waiting', createdAt: record.createdAt, updatedAt: record.createdAt, ttlMs: record.ttlMs, pollIntervalMs: this.pollIntervalMs };
  }

  /** The task, or undefined when there is no such task for `principal`. */
  async get(taskId: string, principal: Principal): Promise<HubTask | undefined> {
    const record = await this.record(taskId, principal);
    return record && this.view(record, await this.options.jobs.state(taskId));
  }

  /**
   * The task once it has ended (what `tasks/result` returns), waiting for its job through the
   * shared job events; undefined when there is no such task, or `signal` (the client's request) aborted.
   */
  async ended(taskId: string, principal: Principal, signal?: AbortSignal): Promise<HubTask | undefined> {
    const record = await this.record(taskId, principal);
    if (!record) return undefined;
    let wake: (() => void) | undefined;
    const stop = await this.options.jobs.watch(taskId, (event) => event.type !== 'progress' && wake?.());
    try {
      for (;;) {
        const woken = new Promise<void>((resolve) => (wake = resolve));
        const task = await this.get(taskId, principal);
        if (!task || isEnded(task) || signal?.aborted) return task && isEnded(task) ? task : undefined;
        const onAbort = () => wake?.();
        signal?.addEventListener('abort', onAbort, { once: true });
        // Events are the fast path; the poll bounds the wait if one is missed (a Redis reconnect) or the cancel was only recorded.
        const timer = setTimeout(() => wake?.(), this.pollIntervalMs);
        await woken;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    } finally {
      stop();
    }
  }

  /**
   * Calls `onEnd` once, with the task, when its job ends (through the shared job events), for
   * status notifications. Gives up when the task expires; the returned function stops it sooner.
   */
  async whenEnded(taskId: string, principal: Principal, onEnd: (task: HubTask) => void): Promise<() => void> {
    const record = await this.record(taskId, principal);
    if (!record) return () => undefined;
    let done = false;
    const watching: { stop?: () => void } = {};
    const stop = () => {
      done = true;
      clearTimeout(expiry);
      watching.stop?.();
    };
    const expiry = setTimeout(stop, record.createdAt + record.ttlMs - Date.now());
    expiry.unref();
    watching.stop = await this.options.jobs.watch(taskId, (event) => {
      if (event.type === 'progress' || done) return;
      void this.get(taskId, principal)
        .then((task) => {
          if (!task || !isEnded(task) || done) return;
          stop();
          onEnd(task);
        })
        .catch((error: unknown) => this.options.logger.warn({ err: error, taskId }, 'task status not read'));
    });
    if (done) watching.stop();
    return stop;
  }

  /** `principal`'s own live tasks, a page at a time (admins too list only their own). */
  async list(principal: Principal, cursor?: string): Promise<{ tasks: HubTask[]; nextCursor?: string }> {
    const page = await this.options.store.list(principal.id, cursor, PAGE_SIZE);
    const tasks = await Promise.all(page.records.map(async (record) => this.view(record, await this.options.jobs.state(record.taskId))));
    return { tasks, ...(page.nextCursor && { nextCursor: page.nextCursor }) };
  }

  /**
   * Cancels the task and its job (the job's handler is aborted, or never starts). The task is
   * `cancelled` from then on. Undefined when there is no such task; a task that had already
   * ended is returned unchanged (`cancelled: false`).
   */
  async cancel(taskId: string, principal: Principal): Promise<{ task: HubTask; cancelled: boolean } | undefined> {
    const task = await this.get(taskId, principal);
    if (!task) return undefined;
    if (isEnded(task)) return { task, cancelled: false };
    await this.options.jobs.cancel(taskId);
    const at = Date.now();
    await this.options.store.markCancelled(taskId, at);
    this.options.logger.info({ taskId, principal: principal.id }, 'task cancelled');
    return { task: { ...task, status: 'cancelled', updatedAt: at, result: cancelledResult() }, cancelled: true };
  }

  private async record(taskId: string, principal: Principal): Promise<TaskRecord | undefined> {
    if (!connectorOfJob(taskId)) return undefined;
    const record = await this.options.store.get(taskId);
    if (!record || Date.now() >= record.createdAt + record.ttlMs) return undefined;
    return record.principalId === principal.id || policyPrincipalOf(principal).roles.includes(TASK_ADMIN_ROLE) ? record : undefined;
  }

  private view(record: TaskRecord, job: JobState | undefined): HubTask {
    const base = { taskId: record.taskId, createdAt: record.createdAt, ttlMs: record.ttlMs, pollIntervalMs: this.pollIntervalMs };
    if (record.cancelledAt !== undefined) return { ...base, status: 'cancelled', updatedAt: record.cancelledAt, result: cancelledResult() };
    // Its job was removed from Redis (by hand: job results outlive tasks, see maxTtlMs).
    if (!job) return { ...base, status: 'failed', updatedAt: record.createdAt, result: errorResult('The job behind this task is gone.') };
    const task: HubTask = { ...base, status: job.status, updatedAt: Math.max(job.updatedAt, record.createdAt), ...(job.progress && { progress: job.progress }) };
    if (job.status === 'completed' && job.result) return { ...task, result: job.result };
    if (job.status === 'failed' || job.status === 'cancelled' || job.status === 'completed') return { ...task, result: errorResult(job.error?.message ?? 'The job failed. The failure has been logged.') };
    return task;
  }
}

export function isEnded(task: HubTask): boolean {
  return task.status === 'completed' || task.status === 'failed' || task.status === 'cancelled';
}

function cancelledResult(): ToolResult {
  return errorResult('The task was cancelled.');
}

function errorResult(message: string): ToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
