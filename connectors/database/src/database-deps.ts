import type { DatabaseSource } from './database-source';
import type { IdempotencyCache } from './idempotency-cache';

/** What the database connector's handlers receive: the configured sources and the write replay cache. */
export interface DatabaseDeps {
  readonly sources: ReadonlyMap<string, DatabaseSource>;
  readonly idempotency: IdempotencyCache;
}
