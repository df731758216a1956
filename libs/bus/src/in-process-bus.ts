import type { Bus, BusMessage, BusStatus, IncomingMessage, MessageHandler, RequestOptions, SubscribeOptions, Subscription } from './bus';
import { BusError } from './bus-error';
import { subjectMatches } from './subject-match';

interface Subscriber {
  pattern: string;
  queue?: string;
  handler: MessageHandler;
}

/**
 * A {@link Bus} inside one process, for the embedded mode and for tests. It keeps NATS semantics
 * that callers rely on: delivery is asynchronous, a queue group gets each message once (round
 * robin), a request with no subscriber fails with `no_responders` at once, and payloads are bytes
 * so no object is shared between sender and receiver.
 */
export class InProcessBus implements Bus {
  private readonly subscribers = new Set<Subscriber>();
  /** Requests waiting for a reply, each with the function that settles it. */
  private readonly pendingRequests = new Set<(error: BusError | undefined, reply?: BusMessage) => void>();
  /** Drained subscribers: routed nothing new, but still handed what was already on its way. */
  private readonly draining = new Set<Subscriber>();
  private readonly roundRobin = new Map<string, number>();
  private readonly statusListeners = new Set<(status: BusStatus) => void>();
  private currentStatus: BusStatus = 'connected';

  get status(): BusStatus {
    return this.currentStatus;
  }

  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    if (this.currentStatus !== 'connected') return Promise.reject(new BusError(this.currentStatus === 'closed' ? 'closed' : 'disconnected', 'bus is not connected'));
    if (options.signal?.aborted) return Promise.reject(new BusError('cancelled', 'request cancelled'));
    return new Promise<BusMessage>((resolve, reject) => {
      let settled = false;
      const finish = (error: BusError | undefined, reply?: BusMessage) => {
        if (settled) return;
        settled = true;
        this.pendingRequests.delete(finish);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(reply!);
      };
      const onAbort = () => finish(new BusError('cancelled', 'request cancelled'));
      const timer = setTimeout(() => finish(new BusError('timeout', `no reply on ${subject} within ${options.timeoutMs} ms`)), options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pendingRequests.add(finish);
      const delivered = this.deliver(subject, data, options.headers ?? {}, (replyData, replyHeaders) => {
        finish(undefined, { subject, data: replyData, headers: replyHeaders });
      });
      if (delivered === 0) finish(new BusError('no_responders', `no responders on ${subject}`));
    });
  }

  publish(subject: string, data: Uint8Array, headers: Record<string, string> = {}): void {
    if (this.currentStatus === 'closed') throw new BusError('closed', 'bus is closed');
    this.deliver(subject, data, headers, undefined);
  }

  subscribe(subject: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    const subscriber: Subscriber = { pattern: subject, queue: options.queue, handler };
    this.subscribers.add(subscriber);
    return {
      unsubscribe: () => {
        this.subscribers.delete(subscriber);
      },
      drain: async () => {
        if (!this.subscribers.delete(subscriber)) return;
        this.draining.add(subscriber);
        // Messages already scheduled are delivered on the next turn; let them reach the handler.
        await new Promise((resolve) => setImmediate(resolve));
        this.draining.delete(subscriber);
      },
    };
  }

  async flush(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }

  onStatus(listener: (status: BusStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    this.draining.clear();
    this.setStatus('closed');
    // As a NATS connection does when it closes: requests still waiting fail now, not at their timeout.
    for (const finish of [...this.pendingRequests]) finish(new BusError('closed', 'bus is closed'));
  }

  /** Test hook: simulates losing and regaining the connection, as a NATS client sees a server restart. */
  setConnected(connected: boolean): void {
    if (this.currentStatus === 'closed') return;
    this.setStatus(connected ? 'connected' : 'disconnected');
  }

  private setStatus(status: BusStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    for (const listener of this.statusListeners) listener(status);
  }

  /** Returns how many subscribers the message was handed to. */
  private deliver(
    subject: string,
    data: Uint8Array,
    headers: Record<string, string>,
    reply: ((data: Uint8Array, headers: Record<string, string>) => void) | undefined,
  ): number {
    const targets = this.pickTargets(subject);
    for (const subscriber of targets) {
      let answered = false;
      const message: IncomingMessage = {
        subject,
        data: data.slice(),
        headers: { ...headers },
        respond: (replyData, replyHeaders = {}) => {
          if (!reply || answered) return false;
          answered = true;
          const copy = replyData.slice();
          setImmediate(() => reply(copy, { ...replyHeaders }));
          return true;
        },
      };
      setImmediate(() => {
        if (this.subscribers.has(subscriber) || this.draining.has(subscriber)) subscriber.handler(message);
      });
    }
    return targets.length;
  }

  private pickTargets(subject: string): Subscriber[] {
    const plain: Subscriber[] = [];
    const groups = new Map<string, Subscriber[]>();
    for (const subscriber of this.subscribers) {
      if (!subjectMatches(subscriber.pattern, subject)) continue;
      if (subscriber.queue === undefined) {
        plain.push(subscriber);
        continue;
      }
      const key = `${subscriber.pattern}\u0000${subscriber.queue}`;
      const members = groups.get(key) ?? [];
      members.push(subscriber);
      groups.set(key, members);
    }
    for (const [key, members] of groups) {
      const next = this.roundRobin.get(key) ?? 0;
      plain.push(members[next % members.length]!);
      this.roundRobin.set(key, next + 1);
    }
    return plain;
  }
}
