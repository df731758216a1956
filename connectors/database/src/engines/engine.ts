import type { EngineKind } from '../config';

/** A value bound to a statement parameter. Always bound natively by the driver, never interpolated. */
export type SqlValue = string | number | boolean | null;

export interface ColumnInfo {
  name: string;
  /** The engine's type name (`int4`, `varchar`, `INTEGER`), or `unknown`. */
  type: string;
}

/** Per-call bounds every engine operation honours. */
export interface CallLimits {
  /** Server-side statement timeout, milliseconds. */
  timeoutMs: number;
  /** Aborting cancels the running statement on the server. */
  signal: AbortSignal;
}

/**
 * A forward-only cursor over one read-only statement, running inside a read-only transaction
 * that is rolled back on {@link close}. Rows arrive in batches so a caller can stop early
 * (row and byte caps) or stream a long result (exports) without holding it in memory.
 */
export interface RowCursor {
  /** Result columns; filled in by the first {@link read}. */
  readonly columns: ColumnInfo[];
  /**
   * Up to `count` rows, each an array in column order, within the cursor's {@link ReadBounds}:
   * each cell cut to `maxCellBytes`, and no rows after the one that takes the cursor's total past
   * `maxBytes`. The engine enforces both where rows are produced, so it never holds more than
   * about `maxBytes` plus one row.
   */
  read(count: number): Promise<RowBatch>;
  /** Rolls back and releases the connection. Idempotent; always call it. */
  close(): Promise<void>;
}

/** What a read cursor may hold and return. */
export interface ReadBounds {
  /** Longest cell, bytes (UTF-8 text; binary counts twice, as it is shown in hex). Longer cells are cut. */
  maxCellBytes: number;
  /** The cursor stops after the row that takes its returned bytes past this. */
  maxBytes: number;
}

/** Cells beyond this are cut where they are read. 64 KiB keeps every character a result shows (10 000) with room to spare. */
export const MAX_CELL_BYTES = 64 * 1024;

export const DEFAULT_READ_BOUNDS: ReadBounds = { maxCellBytes: MAX_CELL_BYTES, maxBytes: 256 * 1024 };

export interface RowBatch {
  rows: unknown[][];
  /** `[row, column]` within this batch of every cell that was cut to `maxCellBytes`. */
  cut: Array<[number, number]>;
  /**
   * `more`: read again (there may be no further row); `done`: no row follows; `max_bytes`: rows
   * follow, but the cursor reached `maxBytes` and returns no more.
   */
  end: 'more' | 'done' | 'max_bytes';
}

export interface WriteResult {
  rowsAffected: number;
  /** Rows the statement returned (`RETURNING`, or a SELECT run through execute_statement). */
  columns: ColumnInfo[];
  rows: unknown[][];
}

export interface CatalogColumn {
  name: string;
  type: string;
  nullable: boolean;
  default: string | null;
}

export interface CatalogIndex {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface CatalogForeignKey {
  columns: string[];
  referencedSchema: string;
  referencedTable: string;
  referencedColumns: string[];
}

export interface CatalogTable {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  /** The planner's estimate (PG `reltuples`, MySQL `TABLE_ROWS`, SQLite `count(*)` on small tables); null when unknown. */
  rowEstimate: number | null;
  comment: string | null;
  columns: CatalogColumn[];
  primaryKey: string[];
  foreignKeys: CatalogForeignKey[];
  indexes: CatalogIndex[];
}

/** Every user schema and table the connection can see (system schemas excluded). */
export interface Catalog {
  schemas: string[];
  tables: CatalogTable[];
}

/**
 * One database behind one source. Implementations are the only files that import a driver.
 * Read operations always run in a read-only transaction that is rolled back, with the
 * statement timeout enforced by the server and cancellation on abort.
 */
export interface Engine {
  readonly kind: EngineKind;
  /** The schema unqualified names resolve to (PG `current_schema()`, MySQL `DATABASE()`, SQLite `main`). Set by {@link connect}. */
  readonly defaultSchema: string;
  /** Opens the pool and checks the connection. */
  connect(): Promise<void>;
  /**
   * Makes unqualified names resolve to `schema` from now on, when the engine can (PostgreSQL sets
   * `search_path` in every transaction). Returns false when it cannot (MySQL database, SQLite).
   */
  preferSchema(schema: string): boolean;
  /** Opens a cursor over an already classified read-only statement. `bounds` default to {@link DEFAULT_READ_BOUNDS}. */
  openReadCursor(sql: string, params: readonly SqlValue[], limits: CallLimits, bounds?: ReadBounds): Promise<RowCursor>;
  /** The plan of a read-only statement, without running it. */
  explain(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<unknown>;
  /** Runs a classified writing statement and commits it. Only called for read-write sources. */
  execute(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<WriteResult>;
  loadCatalog(limits: CallLimits): Promise<Catalog>;
  /**
   * PostgreSQL only: lower-case names of the functions whose first argument can be a row (a table's
   * type, `record`, or a polymorphic type), which `x.name` calls by attribute notation. Loaded
   * once at start; other engines have no such notation.
   */
  rowFunctionNames?(): Promise<Set<string>>;
  /** Reasons the connection is more privileged than a read-only source needs (superuser, write grants). */
  privilegeWarnings(): Promise<string[]>;
  close(): Promise<void>;
}

/** Schemas whose objects are never queried through the tools (catalogs, other sessions, server internals). */
export const SYSTEM_SCHEMAS: Record<EngineKind, ReadonlySet<string>> = {
  postgres: new Set(['pg_catalog', 'information_schema', 'pg_toast']),
  mysql: new Set(['mysql', 'information_schema', 'performance_schema', 'sys']),
  sqlite: new Set(['temp']),
};
