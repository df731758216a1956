import type { IdempotencyStore } from '@mcp-hub/connector-kit';
import type { DatabaseSource } from './database-source';
import type { ExportStore } from './exports/export-store';

/** What the database connector's handlers receive: the configured sources, where write idempotency keys live, and where exports are written. */
export interface DatabaseDeps {
  readonly sources: ReadonlyMap<string, DatabaseSource>;
  readonly idempotency: IdempotencyStore;
  readonly exports: ExportStore;
}
