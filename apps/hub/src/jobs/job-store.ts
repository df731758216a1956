import type { JobData, JobFailure, JobProgress, ToolResult } from '@mcp-hub/connector-contract';
import type { JobStatus } from './job-queues';

/** One job as the embedded runner keeps it. */
export interface JobRecord {
  jobId: string;
  connector: string;
  data: JobData;
  status: JobStatus;
  /** Attempts started so far (an attempt interrupted by a restart is started again without counting twice). */
  attempts: number;
  /** A waiting job does not start before this, epoch ms (a retry's backoff). */
  runAt: number;
  progress?: JobProgress;
  result?: ToolResult;
  error?: JobFailure;
  /** When it completed, failed or was cancelled, epoch ms. */
  finishedAt?: number;
  /** When it was submitted, epoch ms. */
  createdAt: number;
}

/**
 * The embedded runner's job records. Synchronous: it is a local file written by one process, and
 * a job's step (claim, progress, finish) is one statement.
 */
export interface JobStore {
  insert(record: Pick<JobRecord, 'jobId' | 'connector' | 'data' | 'runAt'>): void;
  get(jobId: string): JobRecord | undefined;
  /** The newest jobs of `connector`, at most `limit`, newest first. */
  recent(connector: string, limit: number): JobRecord[];
  /** Connectors that have a waiting job due at `now`. */
  dueConnectors(now: number): string[];
  /** The earliest `runAt` of a waiting job, or undefined when none waits. */
  nextRunAt(): number | undefined;
  /** Takes the oldest due waiting job of `connector`: it becomes active, its attempts one more. */
  claim(connector: string, now: number): JobRecord | undefined;
  setProgress(jobId: string, progress: JobProgress): void;
  /** An active job goes back to waiting until `runAt`; `refund` gives back the attempt (it never reached the connector). */
  requeue(jobId: string, runAt: number, refund: boolean): void;
  /** Ends a job that has not ended: false when it already had (a cancel raced its end). */
  finish(jobId: string, end: { status: 'completed'; result: ToolResult } | { status: 'failed' | 'cancelled'; error: JobFailure }, now: number): boolean;
  /** Active jobs (a crash interrupted them) become waiting again; returns their ids. */
  recoverInterrupted(now: number): string[];
  /** Deletes jobs that ended before `before`; returns how many. */
  prune(before: number): number;
  close(): void;
}
