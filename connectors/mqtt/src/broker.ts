import type { IncomingMessage } from './message-window';

/** What the tools need of the broker connection (the `mqtt` package stays in `mqtt-client.ts`). */
export interface Broker {
  /** Whether the connection is up now (it reconnects on its own when it drops). */
  readonly connected: boolean;
  /** Whether the broker acknowledged the subscriptions of the current connection (messages flow). */
  readonly subscribed: boolean;
  /**
   * Publishes one message; resolves once it left (QoS 0) or the broker acknowledged it (QoS 1, 2).
   * @throws when not connected, when `signal` aborts first, or when the broker refuses it.
   */
  publish(topic: string, payload: string, options: { qos: 0 | 1 | 2; retain: boolean }, signal: AbortSignal): Promise<void>;
}

/** Receives every message the subscriptions deliver. */
export type MessageListener = (message: IncomingMessage) => void;
