import type { Logger } from 'pino';
import type { Bus, Subscription } from '@mcp-hub/bus';
import { RelayedClientResponseSchema, encode, tryDecode, type RelayedClientResponse, type Subjects } from '@mcp-hub/connector-contract';

export interface ClientResponseRelayOptions {
  bus: Bus;
  subjects: Subjects;
  /** This replica: it takes only the answers tagged for it. */
  hubId: string;
  logger: Logger;
  /** Hands an answer to the session that sent the request, if this replica holds it. */
  deliver(relayed: RelayedClientResponse): Promise<void>;
}

/**
 * Carries a 2025-era client's answers to server-to-client requests (elicitation, sampling,
 * roots) between hub replicas. The request went out on the stream of the call that asked, on
 * the replica running it; behind a balancer without affinity the client's answer (a POST) may
 * reach another replica, which relays it here by the replica id tagged into the request's id
 * (`TaggedRequestIds`). Hubs only: the subject is one no connector's permissions cover.
 */
export class ClientResponseRelay {
  private subscription?: Subscription;

  constructor(private readonly options: ClientResponseRelayOptions) {}

  start(): void {
    const { bus, subjects, hubId, deliver, logger } = this.options;
    this.subscription = bus.subscribe(subjects.clientResponses(), (message) => {
      const relayed = tryDecode(RelayedClientResponseSchema, message.data);
      if (!relayed || relayed.toHubId !== hubId) return;
      deliver(relayed).catch((error: unknown) => logger.warn({ err: error }, 'could not deliver a relayed client answer'));
    });
  }

  /** Sends the answer a client gave here to the replica `toHubId` that asked. */
  relay(toHubId: string, sessionId: string, response: unknown): void {
    const { bus, subjects, logger } = this.options;
    const relayed = RelayedClientResponseSchema.safeParse({ toHubId, sessionId, response });
    if (!relayed.success) {
      logger.warn({ session: sessionId }, 'client answer for another replica is malformed: dropped');
      return;
    }
    if (bus.status !== 'connected') return;
    try {
      bus.publish(subjects.clientResponses(), encode(relayed.data));
    } catch (error) {
      logger.warn({ err: error }, 'could not relay a client answer to the hub replica that asked');
    }
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }
}
