import type { Logger } from 'pino';
import type { Bus, Subscription } from '@mcp-hub/bus';
import { SessionCancellationSchema, encode, tryDecode, type SessionCancellation, type Subjects } from '@mcp-hub/connector-contract';

export interface CancellationRelayOptions {
  bus: Bus;
  subjects: Subjects;
  /** This replica: its own relays are not delivered back to it. */
  hubId: string;
  logger: Logger;
  /** Hands a cancellation relayed by another replica to the session that holds the request, if it is here. */
  deliver(cancellation: SessionCancellation): Promise<void>;
}

/**
 * Carries a 2025-era client's `notifications/cancelled` between hub replicas. Behind a balancer
 * without affinity the notification may reach a replica other than the one running the request:
 * the receiving replica handles it itself and relays it; the replica holding the session's
 * request hands it to its own SDK server, which aborts the call. Hubs only: the subject is one no
 * connector's permissions cover (see `Subjects.sessionCancellations`).
 */
export class CancellationRelay {
  private subscription?: Subscription;

  constructor(private readonly options: CancellationRelayOptions) {}

  start(): void {
    const { bus, subjects, hubId, deliver, logger } = this.options;
    this.subscription = bus.subscribe(subjects.sessionCancellations(), (message) => {
      const cancellation = tryDecode(SessionCancellationSchema, message.data);
      if (!cancellation || cancellation.hubId === hubId) return;
      deliver(cancellation).catch((error: unknown) => logger.warn({ err: error }, 'could not deliver a relayed cancellation'));
    });
  }

  /** Tells the other replicas that a client cancelled request `requestId` of session `sessionId` (this replica handled it already). */
  relay(sessionId: string, requestId: string | number, reason?: string): void {
    const { bus, subjects, hubId, logger } = this.options;
    if (bus.status !== 'connected') return;
    const cancellation: SessionCancellation = { hubId, sessionId, requestId, ...(reason !== undefined && { reason: reason.slice(0, 1000) }) };
    try {
      bus.publish(subjects.sessionCancellations(), encode(cancellation));
    } catch (error) {
      logger.warn({ err: error }, 'could not relay a cancellation to the other hub replicas');
    }
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}
