import type { Logger } from 'pino';
import type { Bus, IncomingMessage, Subscription } from '@mcp-hub/bus';
import { AnnouncementSchema, GoodbyeSchema, HeartbeatSchema, encode, manifestDigest, tryDecode, type RegistryEvent, type Subjects } from '@mcp-hub/connector-contract';
import type { z } from 'zod';
import type { Inventory } from './inventory';
import { ManifestSignatures, type ManifestRefusal } from './manifest-signatures';

/** How long a refused replica is left alone before its heartbeats may trigger discovery again. */
const REFUSAL_MEMORY_MS = 60_000;

function refusalKey(connector: string, replicaId: string, digest: string): string {
  return `${connector}/${replicaId}/${digest}`;
}

export interface RegistryListenerOptions {
  bus: Bus;
  inventory: Inventory;
  logger: Logger;
  hubId: string;
  subjects: Subjects;
  /** How often to look for replicas that missed their heartbeats, in ms. Default 1000. */
  sweepMs?: number;
  /** Which manifests must be signed, and by which keys. Absent: signatures are not checked (the embedded mode without keys). */
  signatures?: ManifestSignatures;
  /** Told of each announcement refused for its signature. */
  onSignatureRefused?: (connector: string, reason: ManifestRefusal) => void;
}

/**
 * Feeds the {@link Inventory} from connector announcements, heartbeats and goodbyes on the bus.
 * On start, and whenever it meets a replica it does not know (a hub restart, a lost
 * announcement), it asks every connector to announce again.
 *
 * A registry message counts only when the connector id in its payload is the one in its subject
 * (`<ns>.v2.registry.<id>.<event>`): with per-connector NATS users whose permissions allow
 * publishing only on their own registry subjects, a connector cannot announce, heartbeat or say
 * goodbye for another (docs/deployment.md).
 */
export class RegistryListener {
  private readonly subscriptions: Subscription[] = [];
  private sweeper?: NodeJS.Timeout;
  private lastDiscover = 0;
  /** Replicas whose announcement was refused (`connector/replica/digest` → until when): their heartbeats must not trigger discovery again and again. */
  private readonly refused = new Map<string, number>();
  private stopStatusWatch?: () => void;

  constructor(private readonly options: RegistryListenerOptions) {}

  async start(): Promise<void> {
    const { bus, subjects, inventory, logger } = this.options;
    this.subscriptions.push(
      bus.subscribe(subjects.allRegistry('announce'), (m) => this.onAnnounce(m)),
      bus.subscribe(subjects.allRegistry('heartbeat'), (m) => this.onHeartbeat(m)),
      bus.subscribe(subjects.allRegistry('goodbye'), (m) => this.onGoodbye(m)),
    );
    inventory.on('servedChanged', (connector, served) => logger.info({ connector, served }, 'connector manifest now served from another replica'));
    await bus.flush();
    this.discover();
    this.sweeper = setInterval(() => this.sweep(), this.options.sweepMs ?? 1000);
    this.sweeper.unref();
    // After a reconnect, announcements may have been missed while we were away.
    this.stopStatusWatch = bus.onStatus((status) => {
      if (status === 'connected') this.discover(true);
    });
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.stopStatusWatch?.();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private onAnnounce(message: IncomingMessage): void {
    const announcement = this.parse(AnnouncementSchema, message);
    if (!announcement || !this.fromItself(message, 'announce', announcement.manifest.id)) return;
    const { manifest, replicaId } = announcement;
    if (manifestDigest(manifest) !== announcement.manifestDigest) {
      this.options.logger.warn({ connector: manifest.id, replicaId }, 'connector announcement refused: its digest is not the digest of its manifest');
      return;
    }
    const signatureRefusal = this.options.signatures?.refusal(manifest);
    if (signatureRefusal) {
      // Remembered like other refusals: its heartbeats then do not trigger discovery again and again (nor a log line each).
      this.refused.set(refusalKey(manifest.id, replicaId, announcement.manifestDigest), Date.now() + REFUSAL_MEMORY_MS);
      this.options.onSignatureRefused?.(manifest.id, signatureRefusal);
      this.options.logger.warn(
        { connector: manifest.id, replicaId, reason: signatureRefusal },
        `connector ${manifest.id} refused: ${ManifestSignatures.explain(signatureRefusal)}`,
      );
      return;
    }
    const known = this.options.inventory.replicaCount(manifest.id) > 0;
    const result = this.options.inventory.announce(replicaId, manifest, announcement.manifestDigest, announcement.heartbeatMs);
    if (!result.accepted) {
      this.refused.set(refusalKey(manifest.id, replicaId, announcement.manifestDigest), Date.now() + REFUSAL_MEMORY_MS);
      this.options.logger.warn({ connector: manifest.id, replicaId, reason: result.reason }, 'connector announcement refused');
      return;
    }
    if (!known) this.options.logger.info({ connector: manifest.id, replicaId, tools: manifest.tools.length }, 'connector joined');
    if (result.disagreement) {
      const { served, others } = result.disagreement;
      this.options.logger.warn(
        { connector: manifest.id, served, others },
        `live replicas of connector ${manifest.id} announce different manifests: serving ${served.digest} (replica ${served.replicaId}, the newest announced); ` +
          `also live: ${others.map((o) => `${o.digest} (replica ${o.replicaId})`).join(', ')}. Start every replica with the same settings.`,
      );
    }
  }

  private onHeartbeat(message: IncomingMessage): void {
    const heartbeat = this.parse(HeartbeatSchema, message);
    if (!heartbeat || !this.fromItself(message, 'heartbeat', heartbeat.connector)) return;
    if (this.options.inventory.heartbeat(heartbeat.connector, heartbeat.replicaId, heartbeat.manifestDigest)) return;
    const refusedUntil = this.refused.get(refusalKey(heartbeat.connector, heartbeat.replicaId, heartbeat.manifestDigest));
    if (refusedUntil !== undefined && refusedUntil > Date.now()) return;
    this.discover();
  }

  private onGoodbye(message: IncomingMessage): void {
    const goodbye = this.parse(GoodbyeSchema, message);
    if (!goodbye || !this.fromItself(message, 'goodbye', goodbye.connector)) return;
    this.options.inventory.remove(goodbye.connector, goodbye.replicaId);
    this.options.logger.info({ connector: goodbye.connector, replicaId: goodbye.replicaId }, 'connector replica left');
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, until] of this.refused) if (until <= now) this.refused.delete(key);
    for (const { connector, replicaId } of this.options.inventory.expire()) {
      this.options.logger.warn({ connector, replicaId }, 'connector replica missed its heartbeats and was dropped');
    }
  }

  /** Asks every connector replica to announce itself; rate-limited to one per second unless forced. */
  private discover(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDiscover < 1000) return;
    this.lastDiscover = now;
    if (this.options.bus.status !== 'connected') return;
    this.options.bus.publish(this.options.subjects.discover(), encode({ hubId: this.options.hubId }));
  }

  /** True when the payload's connector id is the one its subject names (see the class comment). */
  private fromItself(message: IncomingMessage, event: RegistryEvent, connector: string): boolean {
    const sender = this.options.subjects.registrySender(message.subject, event);
    if (sender === connector) return true;
    this.options.logger.warn({ subject: message.subject, claimed: connector }, `registry ${event} ignored: it speaks for connector ${connector} on another connector's subject`);
    return false;
  }

  private parse<S extends z.ZodType>(schema: S, message: IncomingMessage): z.infer<S> | undefined {
    const parsed = tryDecode(schema, message.data);
    if (!parsed) this.options.logger.warn({ subject: message.subject }, 'malformed registry message ignored');
    return parsed;
  }
}
