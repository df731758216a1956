import type { Bus, BusMessage, BusStatus, MessageHandler, RequestOptions, SubscribeOptions, Subscription } from './bus';
import { BusError } from './bus-error';

interface PendingSubscription {
  subject: string;
  handler: MessageHandler;
  options?: SubscribeOptions;
  inner?: Subscription;
  cancelled: boolean;
}

/**
 * A {@link Bus} usable before its connection exists: a process can start serving (health checks,
 * logs) while its broker is still unreachable, and {@link attach} the real bus once it connects.
 *
 * Until then the status is `disconnected`: requests fail at once with `disconnected`, publishes
 * are dropped (as for any subscriber that is not there yet: the registry's rediscovery on
 * `connected` is how late members catch up), and subscriptions are recorded and opened on the
 * real bus when it is attached. Attaching reports `connected` to status listeners.
 */
export class DeferredBus implements Bus {
  private inner?: Bus;
  private closed = false;
  private readonly pending: PendingSubscription[] = [];
  private readonly statusListeners = new Set<(status: BusStatus) => void>();

  get status(): BusStatus {
    if (this.closed) return 'closed';
    return this.inner?.status ?? 'disconnected';
  }

  /** True once {@link attach} was called. */
  get attached(): boolean {
    return this.inner !== undefined;
  }

  /**
   * Hands over the connected bus: recorded subscriptions open on it, its status changes are
   * forwarded from now on. A bus attached after {@link close} is closed at once.
   */
  attach(bus: Bus): void {
    if (this.inner) throw new Error('DeferredBus: a bus is already attached');
    if (this.closed) {
      void bus.close();
      return;
    }
    this.inner = bus;
    for (const entry of this.pending.splice(0)) if (!entry.cancelled) entry.inner = bus.subscribe(entry.subject, entry.handler, entry.options);
    bus.onStatus((status) => this.emit(status));
    if (bus.status !== 'disconnected') this.emit(bus.status);
  }

  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    if (this.inner) return this.inner.request(subject, data, options);
    return Promise.reject(new BusError(this.closed ? 'closed' : 'disconnected', 'the bus is not connected yet'));
  }

  publish(subject: string, data: Uint8Array, headers?: Record<string, string>): void {
    if (this.inner) return this.inner.publish(subject, data, headers);
    if (this.closed) throw new BusError('closed', 'bus is closed');
  }

  subscribe(subject: string, handler: MessageHandler, options?: SubscribeOptions): Subscription {
    if (this.inner) return this.inner.subscribe(subject, handler, options);
    const entry: PendingSubscription = { subject, handler, options, cancelled: false };
    this.pending.push(entry);
    return {
      unsubscribe: () => {
        entry.cancelled = true;
        entry.inner?.unsubscribe();
      },
      drain: async () => {
        entry.cancelled = true;
        await entry.inner?.drain();
      },
    };
  }

  async flush(): Promise<void> {
    await this.inner?.flush();
  }

  onStatus(listener: (status: BusStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inner) await this.inner.close();
    else this.emit('closed');
  }

  private emit(status: BusStatus): void {
    for (const listener of this.statusListeners) listener(status);
  }
}
