import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import type { BusMessage } from './bus';
import { BusError } from './bus-error';

interface WaitingRequest {
  subject: string;
  resolve: (message: BusMessage) => void;
  reject: (error: BusError) => void;
  timer: NodeJS.Timeout;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Request-reply over one wildcard inbox subscription, as nats.js's own `request()` does, minus
 * what it costs per call: nats.js builds a `RequestError`, stack trace included, when every
 * request completes (it rejects an already settled promise with it), plus a deferred and a
 * timer object of its own. That was the largest single item of the hub's profile after GC
 * (3.6 % of its CPU, `npm run bench -- --only profile`). Replies carry a token after the inbox
 * prefix; an empty reply with status 503 is NATS's "no responders".
 */
export class NatsRequestMux {
  private readonly prefix: string;
  private readonly waiting = new Map<string, WaitingRequest>();
  private readonly subscription: NatsSubscription;
  private nextToken = 0;

  constructor(
    private readonly connection: NatsConnection,
    toBusMessage: (msg: Msg) => BusMessage,
    onSubscriptionError: (error: Error) => void,
  ) {
    this.prefix = `${createInbox()}.`;
    this.subscription = connection.subscribe(`${this.prefix}*`, {
      callback: (error, msg) => {
        if (error) return onSubscriptionError(error);
        const token = msg.subject.slice(this.prefix.length);
        const waiting = this.waiting.get(token);
        if (!waiting) return; // timed out or cancelled already
        if (msg.data.length === 0 && msg.headers?.code === 503) this.settle(token, new BusError('no_responders', `no responders on ${waiting.subject}`));
        else this.settle(token, undefined, toBusMessage(msg));
      },
    });
  }

  /** Sends `data` to `subject` and resolves with the first reply. */
  request(subject: string, data: Uint8Array, timeoutMs: number, headers: MsgHdrs | undefined, signal?: AbortSignal): Promise<BusMessage> {
    if (signal?.aborted) return Promise.reject(new BusError('cancelled', 'request cancelled'));
    const token = (this.nextToken++).toString(36);
    return new Promise<BusMessage>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(token, new BusError('timeout', `no reply on ${subject} within ${timeoutMs} ms`)), timeoutMs);
      const waiting: WaitingRequest = { subject, resolve, reject, timer };
      if (signal) {
        waiting.signal = signal;
        waiting.onAbort = () => this.settle(token, new BusError('cancelled', 'request cancelled'));
        signal.addEventListener('abort', waiting.onAbort, { once: true });
      }
      this.waiting.set(token, waiting);
      try {
        this.connection.publish(subject, data, { reply: `${this.prefix}${token}`, headers });
      } catch (error) {
        this.settle(token, new BusError('disconnected', `NATS publish failed: ${(error as Error)?.message ?? 'unknown error'}`, { cause: error }));
      }
    });
  }

  /** Fails every waiting request at once (the connection closed or dropped: their replies are lost). */
  failAll(kind: 'closed' | 'disconnected', message: string): void {
    for (const token of [...this.waiting.keys()]) this.settle(token, new BusError(kind, message));
  }

  close(): void {
    this.subscription.unsubscribe();
    this.failAll('closed', 'NATS connection is closed');
  }

  private settle(token: string, error: BusError | undefined, reply?: BusMessage): void {
    const waiting = this.waiting.get(token);
    if (!waiting) return;
    this.waiting.delete(token);
    clearTimeout(waiting.timer);
    if (waiting.onAbort) waiting.signal?.removeEventListener('abort', waiting.onAbort);
    if (error) waiting.reject(error);
    else waiting.resolve(reply!);
  }
}
