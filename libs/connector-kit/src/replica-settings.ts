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
    /**
     * Port of the replica's own HTTP listener: `/metrics` (Prometheus), `/healthz`, `/readyz`.
     * Off when omitted; 0 picks a free port (logged).
     */
    metricsPort: z.number().int().min(0).max(65535).optional(),
    /** Address of that listener. Loopback by default; `0.0.0.0` where probes and scrapers come from outside (a pod). */
    metricsHost: z.string().min(1).default('127.0.0.1'),
  })
  .prefault({});
export type ReplicaSettings = z.output<typeof ReplicaSettingsSchema>;
