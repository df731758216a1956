import { randomUUID } from 'node:crypto';
import { createInbox, type Msg, type MsgHdrs, type NatsConnection, type Subscription as NatsSubscription } from '@nats-io/transport-node';
import type { BusMessage } from './bus';
import { BusError } from './bus-error';
import { toBusError } from './nats-publish-error';

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
  private subscription?: NatsSubscription;

  constructor(
    private readonly connection: NatsConnection,
    private readonly toBusMessage: (msg: Msg) => BusMessage,
    private readonly onSubscriptionError: (error: Error) => void,
    /** First tokens of the reply inbox (default `_INBOX`), so a NATS user can be allowed its own inboxes only. */
    inboxPrefix?: string,
  ) {
    this.prefix = `${createInbox(inboxPrefix)}.`;
  }

  /**
   * Subscribes on the first request, as nats.js does: a connector's NATS user may not subscribe
   * to inboxes, and never sends requests. A subscription ended by an error (permissions) fails
   * what waits and is made again by the next request.
   */
  private subscribe(): void {
    this.subscription = this.connection.subscribe(`${this.prefix}*`, {
      callback: (error, msg) => {
        if (error) {
          this.subscription = undefined;
          this.failAll('disconnected', `reply inbox refused: ${error.message}`);
          return this.onSubscriptionError(error);
        }
        const token = msg.subject.slice(this.prefix.length);
        const waiting = this.waiting.get(token);
        if (!waiting) return; // timed out or cancelled already
        if (msg.data.length === 0 && msg.headers?.code === 503) this.settle(token, new BusError('no_responders', `no responders on ${waiting.subject}`));
        else this.settle(token, undefined, this.toBusMessage(msg));
      },
    });
  }

  /** Sends `data` to `subject` and resolves with the first reply. */
  request(subject: string, data: Uint8Array, timeoutMs: number, headers: MsgHdrs | undefined, signal?: AbortSignal): Promise<BusMessage> {
    if (signal?.aborted) return Promise.reject(new BusError('cancelled', 'request cancelled'));
    if (!this.subscription) this.subscribe();
    // Unguessable: whoever may publish to inboxes (and sees one reply subject) must not be able
    // to answer another request in its place.
    const token = randomUUID();
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
        this.settle(token, toBusError(error, data.length, this.connection.info?.max_payload));
      }
    });
  }

  /**
   * Fails at once every request waiting on `subject`: the server refused to publish to it (a
   * permission violation names the subject, not the request), so none of them can be answered.
   */
  failSubject(subject: string, error: BusError): void {
    for (const [token, waiting] of [...this.waiting]) if (waiting.subject === subject) this.settle(token, error);
  }

  /** Fails every waiting request at once (the connection closed or dropped: their replies are lost). */
  failAll(kind: 'closed' | 'disconnected', message: string): void {
    for (const token of [...this.waiting.keys()]) this.settle(token, new BusError(kind, message));
  }

  close(): void {
    this.subscription?.unsubscribe();
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
