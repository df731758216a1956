/** A message as delivered by a {@link Bus}. Header names are as sent (NATS headers are case-sensitive). */
export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

/** A delivered message that may be answered (it was sent with {@link Bus.request}). */
export interface IncomingMessage extends BusMessage {
  /** Answers the request. Returns false when the message expects no answer. */
  respond(data: Uint8Array, headers?: Record<string, string>): boolean;
}

export interface RequestOptions {
  /** Milliseconds to wait for a reply before failing with a `timeout` {@link BusError}. */
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Aborting rejects the pending request at once with a `cancelled` {@link BusError}. */
  signal?: AbortSignal;
}

export interface SubscribeOptions {
  /** Subscribers sharing a queue group split the messages between them: each goes to exactly one. */
  queue?: string;
}

export interface Subscription {
  /** Stops delivery at once. */
  unsubscribe(): void;
  /** Stops taking new messages and resolves when the ones already delivered were handed to the handler. */
  drain(): Promise<void>;
}

export type MessageHandler = (message: IncomingMessage) => void;

export type BusStatus = 'connected' | 'disconnected' | 'closed';

/**
 * The message bus between hub and connectors: request-reply with queue groups, fire-and-forget
 * publish, and subject wildcards (`*` one token, `>` the rest), with NATS semantics. Implemented
 * by {@link NatsBus} (distributed) and {@link InProcessBus} (embedded mode and tests); code above
 * this interface does not know which one it runs on.
 */
export interface Bus {
  /**
   * Sends a request and waits for the first reply.
   * @throws BusError `no_responders` at once when nobody listens on the subject,
   *   `timeout` after `timeoutMs`, `disconnected` while the connection is down, `cancelled` on abort.
   */
  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage>;
  publish(subject: string, data: Uint8Array, headers?: Record<string, string>): void;
  /** Handlers are called without waiting for earlier ones, so a slow handler does not block the subject. */
  subscribe(subject: string, handler: MessageHandler, options?: SubscribeOptions): Subscription;
  /** Resolves once everything published so far has reached the server. */
  flush(): Promise<void>;
  readonly status: BusStatus;
  /** Called on every status change; returns a function that removes the listener. */
  onStatus(listener: (status: BusStatus) => void): () => void;
  /** Drains subscriptions, flushes and closes. */
  close(): Promise<void>;
}
