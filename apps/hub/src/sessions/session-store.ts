import { z } from 'zod';

/**
 * What a hub replica needs to rebuild a 2025-era session it did not open: the client's
 * `initialize` parameters, replayed through a fresh SDK transport (see
 * docs/decisions/0002-shared-sessions.md). Parsed on every read: it crosses processes.
 */
export const SessionRecordSchema = z.object({
  initialize: z.object({
    protocolVersion: z.string().min(1),
    capabilities: z.record(z.string(), z.unknown()),
    clientInfo: z.looseObject({ name: z.string(), version: z.string() }),
  }),
  /** Epoch ms. */
  createdAt: z.number().int(),
  /**
   * The authenticated principal that opened the session (absent without authentication): any
   * replica serves the session only to requests authenticated as the same principal.
   */
  principalId: z.string().min(1).max(200).optional(),
});
export type SessionRecord = z.infer<typeof SessionRecordSchema>;

/** A stored session: its record and the resource URIs it subscribed to (on any replica). */
export interface StoredSession {
  record: SessionRecord;
  subscriptions: string[];
}

/** The shared store cannot be reached; the caller degrades (serves what it holds, answers 503 otherwise). */
export class SessionStoreUnavailable extends Error {
  override readonly name = 'SessionStoreUnavailable';
  readonly kind = 'store_unavailable';
}

/**
 * Session state shared by hub replicas, so any replica can serve any request of a session.
 * A session lives `ttlMs` (given to the implementation) after its last `touch`.
 * Every method may reject with {@link SessionStoreUnavailable}.
 */
export interface SessionStore {
  create(id: string, record: SessionRecord): Promise<void>;
  /** Undefined when the session ended or expired. */
  get(id: string): Promise<StoredSession | undefined>;
  /** Extends the session's life. Resolves false when the store no longer has it. */
  touch(id: string): Promise<boolean>;
  /** Milliseconds since the last touch (or creation); undefined when the session is gone. */
  idleFor(id: string): Promise<number | undefined>;
  /** Deletes the session and tells every replica (`onEnded`), so its id gets 404 everywhere. */
  end(id: string): Promise<void>;
  addSubscription(id: string, uri: string): Promise<void>;
  removeSubscription(id: string, uri: string): Promise<void>;
  /** Which of `ids` subscribed to `uri`. */
  subscribedAmong(uri: string, ids: readonly string[]): Promise<Set<string>>;
  /**
   * Puts back a session a replica still holds after the store lost it (or never got it):
   * creates the record if absent and adds the subscriptions to those already stored.
   */
  restore(id: string, session: StoredSession): Promise<void>;
  /** Called for every session ended by any replica. */
  onEnded(listener: (id: string) => void): void;
  /**
   * Called when the store is reachable again after an outage; `lost` is true when its content
   * did not survive (a restarted Redis without persistence), so replicas should restore.
   */
  onRecovered(listener: (lost: boolean) => void): void;
  close(): Promise<void>;
}
