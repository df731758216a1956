import type { Logger } from 'pino';
import type { Bus, Subscription } from '@mcp-hub/bus';
import { DiscoverSchema, encode, tryDecode, type Announcement, type Heartbeat, type Manifest, type Subjects } from '@mcp-hub/connector-contract';

export interface ReplicaPresenceOptions {
  bus: Bus;
  subjects: Subjects;
  manifest: Manifest;
  /** SHA-256 of the canonical manifest (`manifestDigest`). */
  digest: string;
  replicaId: string;
  /** Heartbeat period, ms; the hub drops a replica after three missed beats. */
  heartbeatMs: number;
  /** Calls the replica runs right now, reported in each heartbeat. */
  inFlight: () => number;
  logger: Logger;
}

/**
 * How one replica makes itself known in the registry: it announces its manifest at start and
 * whenever a hub asks (discovery), heartbeats, and says goodbye when it drains. Knows nothing of
 * calls; `ConnectorService` composes it with the `CallRunner`.
 */
export class ReplicaPresence {
  private discoverSubscription?: Subscription;
  private heartbeat?: NodeJS.Timeout;
  private left = false;

  constructor(private options: ReplicaPresenceOptions) {}

  /** Listens for discovery, announces, and starts heartbeating. */
  async start(): Promise<void> {
    const { bus, subjects } = this.options;
    this.discoverSubscription = bus.subscribe(subjects.discover(), (message) => {
      if (tryDecode(DiscoverSchema, message.data)) this.announce();
    });
    await bus.flush();
    this.announce();
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Says goodbye (hubs stop routing calls here) and stops heartbeating; a later discovery is not answered. */
  leave(): void {
    this.left = true;
    clearInterval(this.heartbeat);
    const { bus, subjects, manifest, replicaId } = this.options;
    if (bus.status !== 'closed') bus.publish(subjects.registry(manifest.id, 'goodbye'), encode({ connector: manifest.id, replicaId }));
  }

  /** Announces a new manifest of the same connector (its offer changed); later heartbeats carry its digest. */
  update(manifest: Manifest, digest: string): void {
    if (manifest.id !== this.options.manifest.id) throw new Error(`a replica of ${this.options.manifest.id} cannot announce ${manifest.id}`);
    this.options = { ...this.options, manifest, digest };
    this.announce();
  }

  stop(): void {
    clearInterval(this.heartbeat);
    this.discoverSubscription?.unsubscribe();
  }

  private announce(): void {
    // A draining replica that answered discovery would be routed calls it no longer takes.
    if (this.left) return;
    const { manifest, digest, replicaId, heartbeatMs } = this.options;
    const announcement: Announcement = { replicaId, manifest, manifestDigest: digest, heartbeatMs };
    this.publish(this.options.subjects.registry(manifest.id, 'announce'), announcement);
  }

  private beat(): void {
    const { manifest, digest, replicaId } = this.options;
    const heartbeat: Heartbeat = { connector: manifest.id, replicaId, manifestDigest: digest, inFlight: this.options.inFlight() };
    this.publish(this.options.subjects.registry(manifest.id, 'heartbeat'), heartbeat);
  }

  private publish(subject: string, message: unknown): void {
    const { bus, logger } = this.options;
    if (bus.status !== 'connected') return; // the next beat or a discovery covers it
    try {
      bus.publish(subject, encode(message));
    } catch (error) {
      logger.warn({ err: error, subject }, 'registry publish failed');
    }
  }
}
