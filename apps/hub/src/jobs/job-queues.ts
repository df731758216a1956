import type { JobData, JobFailure, JobProgress, ToolResult } from '@mcp-hub/connector-contract';

/** What a job is doing. */
export type JobStatus = 'waiting' | 'active' | 'completed' | 'failed' | 'cancelled';

export interface JobState {
  jobId: string;
  status: JobStatus;
  /** Who started it: only this principal may see or cancel it. */
  principalId: string;
  /** When it was queued, and when it last changed state (started, retried, ended), epoch ms. */
  createdAt: number;
  updatedAt: number;
  progress?: JobProgress;
  result?: ToolResult;
  error?: JobFailure;
}

/** One job as the admin page lists it: never its arguments or result (they may carry what only its principal may see). */
export interface JobSummary {
  jobId: string;
  connector: string;
  tool: string;
  status: JobStatus | 'delayed';
  principalId?: string;
  progress?: JobProgress;
  /** Enqueued and finished, ms since the epoch. */
  createdAt: number;
  finishedAt?: number;
  /** How many attempts ran (retries included). */
  attempts: number;
}

/** Told of one job's progress and end. */
export type JobEvent = { type: 'progress'; progress: JobProgress } | { type: 'completed'; result: ToolResult } | { type: 'failed'; error: JobFailure };

/**
 * Where the hub puts long tool calls (`execution: 'job'`) and learns how they went. Two
 * implementations with one behaviour (`apps/hub/test/job-queues-behaviour.ts`): BullMQ on Redis
 * ({@link BullJobQueues}, workers in the connector replicas) and an in-process runner with its
 * state in SQLite ({@link EmbeddedJobQueues}, the embedded mode). Both guarantee at-least-once:
 * a job interrupted by a crash runs again from its start.
 */
export interface JobQueues {
  /** Enqueues `data` as job `jobId` (from `newJobId(connector)`); retried kinds get more attempts with exponential backoff. */
  submit(jobId: string, data: JobData): Promise<void>;
  /** Calls `listener` with the job's progress and its end; returns the function that stops it. Watch before {@link submit} to miss nothing. */
  watch(jobId: string, listener: (event: JobEvent) => void): Promise<() => void>;
  /** The job's state, or undefined when there is no such job (never was, or its result expired). */
  state(jobId: string): Promise<JobState | undefined>;
  /** Cancels a job: one not started never starts, a running one has its handler's signal aborted. Its end (`failed`, kind `cancelled`) comes as any other. */
  cancel(jobId: string): Promise<void>;
  /** The newest jobs of `connector` (at most `limit`), in every state, newest first: for the admin page. */
  recent(connector: string, limit: number): Promise<JobSummary[]>;
  close(): Promise<void>;
}

/** What a job's runner stores when it cannot say better (a stalled job given up, a crash in the runner itself). */
export const UNKNOWN_FAILURE: JobFailure = { kind: 'internal', message: 'The job failed. The failure has been logged.' };
