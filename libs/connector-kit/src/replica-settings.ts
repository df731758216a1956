import { z } from 'zod';

/** How a connector replica runs: the `replica` section of the configuration. */
export const ReplicaSettingsSchema = z
  .strictObject({
    /** Heartbeat period; the hub drops a replica after three missed beats. */
    heartbeatMs: z.number().int().min(100).max(60_000).default(2000),
    /** Most calls one replica runs at once. Unlimited when omitted. */
    maxConcurrency: z.number().int().min(1).max(100_000).optional(),
    /** With maxConcurrency: calls that may wait for a slot; more are refused as busy (the hub tries another replica). */
    maxQueued: z.number().int().min(0).max(100_000).default(0),
    /** How long SIGTERM lets in-flight calls finish. */
    drainTimeoutMs: z.number().int().min(0).max(600_000).default(10_000),
  })
  .prefault({});
export type ReplicaSettings = z.output<typeof ReplicaSettingsSchema>;
