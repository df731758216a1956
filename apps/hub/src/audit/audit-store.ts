import type { AuditEntry, AuditHead, AuditRow } from './audit-record';

/**
 * Where the audit chain lives, shared by every hub replica and the `mcp-hub audit` commands:
 * SQLite in the embedded mode, PostgreSQL when distributed. Append-only: no method changes or
 * removes a row.
 */
export interface AuditStore {
  /**
   * Chains `entries` after the current head and stores them, in one transaction that holds the
   * chain's lock: writers on several replicas (or processes) never fork the chain.
   */
  append(entries: readonly AuditEntry[]): Promise<void>;
  /** The head row: the last record's seq and hash as the store last wrote them. */
  head(): Promise<AuditHead>;
  /** Up to `limit` rows with `afterSeq < seq <= untilSeq`, in seq order. */
  rows(afterSeq: number, untilSeq: number, limit: number): Promise<AuditRow[]>;
  /** Up to `limit` rows with `afterSeq < seq` and `sinceMs <= atMs < untilMs`, in seq order (for export). */
  rowsBetween(sinceMs: number, untilMs: number, afterSeq: number, limit: number): Promise<AuditRow[]>;
  /** The last `limit` rows, newest first. */
  latest(limit: number): Promise<AuditRow[]>;
  close(): Promise<void>;
}

/** Table names come from config or tests, never from clients: checked anyway, since they are spliced into SQL. */
export function checkedAuditTable(table: string): string {
  if (!/^[a-z_][a-z0-9_]{0,50}$/.test(table)) throw new Error(`audit table name ${JSON.stringify(table)} must match ^[a-z_][a-z0-9_]{0,50}$`);
  return table;
}

export const DEFAULT_AUDIT_TABLE = 'audit_log';

/** Rows read per query when walking the whole chain (verify, export). */
export const AUDIT_PAGE = 1000;

/** Every row from the first, in seq order, up to `untilSeq`, a page at a time; yields to the event loop between pages (SQLite reads are synchronous). */
export async function* allAuditRows(store: AuditStore, untilSeq: number): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const page = await store.rows(after, untilSeq, AUDIT_PAGE);
    yield* page;
    if (page.length < AUDIT_PAGE) return;
    after = page[page.length - 1]!.seq;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
