import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ErrorKindSchema, type ErrorKind } from './errors';
import { ConnectorIdSchema, ToolNameSchema } from './names';
import { PrincipalSchema } from './invocation';
import { DEFAULT_NAMESPACE } from './subjects';

/**
 * Every Redis name of the long-job machinery (BullMQ, issue 15), built in one place as BullMQ's
 * `QueueKeys` builds its own. One queue per connector; the namespace keeps deployments (and tests)
 * that share a Redis apart.
 */
export class JobKeys {
  constructor(readonly namespace: string = DEFAULT_NAMESPACE) {}

  /** BullMQ's key prefix for every queue of this deployment. */
  get prefix(): string {
    return `${this.namespace}:jobs`;
  }

  /** The BullMQ queue of a connector's job tools (BullMQ forbids `:` in queue names; connector ids have none). */
  queue(connector: string): string {
    return ConnectorIdSchema.parse(connector);
  }

  /** Pub/sub channel on which hubs tell a connector's workers to abort a running job. */
  cancelChannel(connector: string): string {
    return `${this.prefix}:${this.queue(connector)}:cancel`;
  }

  /** Marks a job cancelled, so a worker that picks it up later does not start it. */
  cancelMark(connector: string, jobId: string): string {
    return `${this.prefix}:${this.queue(connector)}:cancelled:${jobId}`;
  }

  /** An MCP task's record (hub only): who created it, when, for how long. Task ids are job ids. */
  task(taskId: string): string {
    return `${this.namespace}:tasks:${JobIdSchema.parse(taskId)}`;
  }

  /** The tasks of one principal (a sorted set by expiry), named by a hash of the principal's id, which may hold any character. */
  tasksOf(principalId: string): string {
    return `${this.namespace}:tasks-of:${createHash('sha256').update(principalId).digest('hex')}`;
  }

  /** The hubs' queue of service chains (issue 15): `_` starts no connector id, so no connector's queue can be it. */
  get chainQueue(): string {
    return '_chains';
  }

  /** Pub/sub channel on which a hub tells every hub to stop a chain's running steps. */
  get chainCancelChannel(): string {
    return `${this.prefix}:${this.chainQueue}:cancel`;
  }

  /** Marks a chain cancelled, so that no step of it starts and its flow ends as cancelled. */
  chainCancelMark(chainId: string): string {
    return `${this.prefix}:${this.chainQueue}:cancelled:${chainId}`;
  }
}

/** A new job id: the owning connector, a dash, a UUID (`database-0b5c…`), so a `jobs://` URI names its queue. */
export function newJobId(connector: string): string {
  return `${ConnectorIdSchema.parse(connector)}-${randomUUID()}`;
}

/** A job id as {@link newJobId} makes them. */
export const JobIdSchema = z.string().regex(/^[a-z][a-z0-9]{1,30}-[0-9a-f-]{36}$/);

/** The connector that owns a job id, or undefined for anything that is not one of {@link newJobId}'s ids. */
export function connectorOfJob(jobId: string): string | undefined {
  if (!JobIdSchema.safeParse(jobId).success) return undefined;
  return jobId.slice(0, jobId.indexOf('-'));
}

/** The resource URI of a job's status and result. */
export const JOB_URI_PREFIX = 'jobs://';
export function jobUri(jobId: string): string {
  return `${JOB_URI_PREFIX}${jobId}`;
}
/** The job id of a `jobs://` URI, or undefined. */
export function jobIdOfUri(uri: string): string | undefined {
  if (!uri.startsWith(JOB_URI_PREFIX)) return undefined;
  const id = uri.slice(JOB_URI_PREFIX.length);
  return connectorOfJob(id) ? id : undefined;
}

/** What the hub puts on a connector's queue: the invocation, as a NATS request carries it. */
export const JobDataSchema = z.object({
  tool: ToolNameSchema,
  arguments: z.record(z.string(), z.unknown()),
  principal: PrincipalSchema,
  /** Absolute deadline of the whole job (every attempt), epoch milliseconds. */
  deadline: z.number().int().positive(),
  traceparent: z.string().max(100).optional(),
  /** The hub's signed job assertion (`job-assertion.ts`); a worker given the hub's keys runs no job without a valid one. */
  assertion: z.string().max(32_768).optional(),
});
export type JobData = z.infer<typeof JobDataSchema>;

/** A job's progress as the worker stores it (`job.updateProgress`). */
export const JobProgressSchema = z.object({
  progress: z.number().finite(),
  total: z.number().finite().optional(),
  message: z.string().max(1000).optional(),
});
export type JobProgress = z.infer<typeof JobProgressSchema>;

/** Why a job failed, JSON-encoded in BullMQ's `failedReason`; the message is safe to show (redacted, no stack). */
export const JobFailureSchema = z.object({ kind: ErrorKindSchema, message: z.string().max(4000), retryAfterMs: z.number().int().min(0).optional() });
export type JobFailure = z.infer<typeof JobFailureSchema>;

/**
 * Error kinds worth another attempt: the upstream failed, was busy or rate limited. Everything
 * else (bad arguments, forbidden, unauthorized credentials, a cancel, the deadline, a bug) fails
 * the same way again and is not retried.
 */
export const RETRIED_JOB_ERROR_KINDS: ReadonlySet<ErrorKind> = new Set(['upstream', 'rate_limited', 'busy']);
