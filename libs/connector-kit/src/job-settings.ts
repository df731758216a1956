import { z } from 'zod';
import { ConnectorIdSchema } from '@mcp-hub/connector-contract';

/**
 * Long-running tools: the `jobs` section of the configuration, read by hubs (producer and
 * observer) and connector replicas (workers). With `redisUrl` (REDIS_URL) jobs go on BullMQ;
 * without it the embedded mode runs them in process (state in `<dataDir>/jobs.sqlite`) and a
 * distributed hub calls job tools like the others.
 */
export const JobSettingsSchema = z
  .strictObject({
    /** e.g. redis://127.0.0.1:6379. Prefer REDIS_URL for URLs that carry a password. */
    redisUrl: z.string().min(1).optional(),
    /** Jobs one connector replica runs at once (the embedded mode: jobs of one connector). */
    concurrency: z.number().int().min(1).max(1000).default(1),
    /** Per connector id, what differs from the defaults above. */
    connectors: z.record(ConnectorIdSchema, z.strictObject({ concurrency: z.number().int().min(1).max(1000).optional() })).default({}),
    /** Attempts per job for the error kinds that are retried (upstream, rate_limited, busy). */
    attempts: z.number().int().min(1).max(20).default(3),
    /** First retry delay, doubled on each attempt. */
    backoffMs: z.number().int().min(0).max(3_600_000).default(1000),
    /** How long a finished job's result or error is kept for `jobs_get`. */
    keepMinutes: z.number().int().min(1).max(43_200).default(1440),
    /** How long a call whose client sent a progressToken waits for its job before answering with a jobs:// link. */
    progressWaitMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** Deadline of a job, all attempts together. */
    timeoutMinutes: z.number().int().min(1).max(10_080).default(60),
  })
  .prefault({});
export type JobSettings = z.output<typeof JobSettingsSchema>;

/** Jobs of `connector` one replica (or the embedded runner) runs at once. */
export function jobConcurrency(settings: Pick<JobSettings, 'concurrency' | 'connectors'>, connector: string): number {
  return settings.connectors[connector]?.concurrency ?? settings.concurrency;
}
