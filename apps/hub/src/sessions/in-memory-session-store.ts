import { EventEmitter } from 'node:events';
import type { SessionRecord, SessionStore, StoredSession } from './session-store';

interface Entry {
  record: SessionRecord;
  subscriptions: Set<string>;
  lastActivity: number;
}

/**
 * The embedded mode's session store: one process, nothing shared, nothing to reach. Expired
 * sessions are dropped when looked at and by a sweep every `ttlMs`.
 */
export class InMemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Entry>();
  private readonly events = new EventEmitter<{ ended: [string] }>();
  private readonly sweeper: NodeJS.Timeout;

  /** @param ttlMs how long a session lives after its last touch */
  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => {
      for (const id of this.sessions.keys()) this.live(id);
    }, ttlMs);
    this.sweeper.unref();
  }

  async create(id: string, record: SessionRecord): Promise<void> {
    this.sessions.set(id, { record, subscriptions: new Set(), lastActivity: this.now() });
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const entry = this.live(id);
    return entry && { record: entry.record, subscriptions: [...entry.subscriptions] };
  }

  async touch(id: string): Promise<boolean> {
    const entry = this.live(id);
    if (entry) entry.lastActivity = this.now();
    return entry !== undefined;
  }

  async idleFor(id: string): Promise<number | undefined> {
    const entry = this.live(id);
    return entry && this.now() - entry.lastActivity;
  }

  async end(id: string): Promise<void> {
    this.sessions.delete(id);
    this.events.emit('ended', id);
  }

  async addSubscription(id: string, uri: string): Promise<void> {
    this.live(id)?.subscriptions.add(uri);
  }

  async removeSubscription(id: string, uri: string): Promise<void> {
    this.live(id)?.subscriptions.delete(uri);
  }

  async subscribedAmong(uri: string, ids: readonly string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.live(id)?.subscriptions.has(uri)));
  }

  async restore(id: string, session: StoredSession): Promise<void> {
    const entry = this.live(id);
    if (entry) for (const uri of session.subscriptions) entry.subscriptions.add(uri);
    else this.sessions.set(id, { record: session.record, subscriptions: new Set(session.subscriptions), lastActivity: this.now() });
  }

  onEnded(listener: (id: string) => void): void {
    this.events.on('ended', listener);
  }

  onRecovered(): void {
    // Process memory is never unreachable.
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private live(id: string): Entry | undefined {
    const entry = this.sessions.get(id);
    if (entry && this.now() - entry.lastActivity > this.ttlMs) {
      this.sessions.delete(id);
      return undefined;
    }
    return entry;
  }
}
