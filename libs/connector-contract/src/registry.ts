import { z } from 'zod';
import { ConnectorIdSchema } from './names';
import { ManifestSchema } from './manifest';

/** Identifies one running replica of a connector. */
export const ReplicaIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** Published at start and whenever a hub asks for discovery. */
export const AnnouncementSchema = z.object({
  replicaId: ReplicaIdSchema,
  manifest: ManifestSchema,
  /** SHA-256 (hex) of the canonical manifest: heartbeats carry it so a hub can notice a change. */
  manifestDigest: z.string().regex(/^[0-9a-f]{64}$/),
  /** How often this replica promises a heartbeat, in milliseconds. */
  heartbeatMs: z.number().int().min(100).max(60_000),
});
export type Announcement = z.infer<typeof AnnouncementSchema>;

export const HeartbeatSchema = z.object({
  connector: ConnectorIdSchema,
  replicaId: ReplicaIdSchema,
  manifestDigest: z.string().regex(/^[0-9a-f]{64}$/),
  /** Invocations this replica is running right now. */
  inFlight: z.number().int().min(0),
});
export type Heartbeat = z.infer<typeof HeartbeatSchema>;

export const GoodbyeSchema = z.object({
  connector: ConnectorIdSchema,
  replicaId: ReplicaIdSchema,
});
export type Goodbye = z.infer<typeof GoodbyeSchema>;

export const DiscoverSchema = z.object({ hubId: z.string().max(64) });
export type Discover = z.infer<typeof DiscoverSchema>;
