/**
 * Creating a PostgreSQL store's tables, shared by the pin, approval and audit stores (the only
 * files that import `pg`; this one only runs the statements they hand it).
 */

/** unique_violation (on pg_type), duplicate_table and duplicate_object: another replica created it first. */
const RACED_CREATE = new Set(['23505', '42P07', '42710']);

/**
 * Runs `statements` (CREATE … IF NOT EXISTS and the like) one after another. Two replicas
 * starting together may both create a table: IF NOT EXISTS alone still races on the catalog, so
 * the errors of losing that race are ignored.
 */
export async function createSchema(query: (sql: string) => Promise<unknown>, statements: readonly string[]): Promise<void> {
  for (const sql of statements) {
    await query(sql).catch((error: unknown) => {
      if (!RACED_CREATE.has((error as { code?: string }).code ?? '')) throw error;
    });
  }
}

/**
 * `create` run once, on first use; a failure is not kept, so the next use tries again (the
 * database was down at start, and came back).
 */
export class SchemaOnce {
  private ready?: Promise<void>;

  constructor(private readonly create: () => Promise<void>) {}

  ensure(): Promise<void> {
    this.ready ??= this.create().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}
