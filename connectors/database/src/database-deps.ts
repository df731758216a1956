import type { IdempotencyStore } from '@mcp-hub/connector-kit';
import type { DatabaseSource } from './database-source';

/** What the database connector's handlers receive: the configured sources and where write idempotency keys live. */
export interface DatabaseDeps {
  readonly sources: ReadonlyMap<string, DatabaseSource>;
  readonly idempotency: IdempotencyStore;
}
