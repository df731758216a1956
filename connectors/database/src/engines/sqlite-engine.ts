import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ConcurrencyGate } from './concurrency-gate';
import { DatabaseError } from './database-error';
import { DEFAULT_READ_BOUNDS, type Catalog, type CallLimits, type CatalogTable, type ColumnInfo, type Engine, type ReadBounds, type RowBatch, type RowCursor, type SqlValue, type WriteResult } from './engine';
import { SqliteWorker } from './sqlite-worker';

export interface SqliteEngineOptions {
  path: string;
  readOnly: boolean;
  /** Child processes running statements side by side. Default 2. */
  workers?: number;
  /** Calls that may wait for a free worker; one more is refused as `busy`. Default 4. */
  maxWaiting?: number;
}

/**
 * SQLite through `better-sqlite3`, in a small pool of child processes ({@link SqliteWorker}): a
 * runaway statement holds one worker until its timeout kills it, while the others keep serving,
 * and a bounded wait line refuses calls beyond it instead of queueing them behind runaways. A
 * read-only source opens the file read-only; every read also runs with `PRAGMA query_only = ON`
 * inside a transaction that is rolled back; `trusted_schema` is off and `ATTACH` is refused by
 * the classifier.
 */
export class SqliteEngine implements Engine {
  readonly kind = 'sqlite' as const;
  readonly defaultSchema = 'main';
  private readonly gate: ConcurrencyGate;
  private readonly idle: SqliteWorker[] = [];
  private readonly workers = new Set<SqliteWorker>();

  constructor(private readonly options: SqliteEngineOptions) {
    this.gate = new ConcurrencyGate(options.workers ?? 2, options.maxWaiting ?? 4);
  }

  /** Creates a database file from a script when it does not exist yet (demo data). Returns true when it created it. */
  static createIfMissing(path: string, script: string): boolean {
    if (existsSync(path)) return false;
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    const db = new Database(temporary);
    try {
      db.exec(script);
    } finally {
      db.close();
    }
    // rename is atomic: a concurrent starter never sees a half-seeded file
    renameSync(temporary, path);
    return true;
  }

  async connect(): Promise<void> {
    if (!existsSync(this.options.path)) throw new DatabaseError('connection', 'The SQLite database file does not exist.');
    await this.exclusive({ timeoutMs: 10_000, signal: new AbortController().signal }, (call) => call('all', { sql: 'SELECT 1', params: [] }));
  }

  preferSchema(): boolean {
    return false;
  }

  async openReadCursor(sql: string, params: readonly SqlValue[], limits: CallLimits, bounds: ReadBounds = DEFAULT_READ_BOUNDS): Promise<RowCursor> {
    const { worker, release } = await this.takeWorker(limits.signal);
    const deadline = Date.now() + limits.timeoutMs;
    const call = (type: string, body: Record<string, unknown>) => worker.call(type, body, { ...limits, timeoutMs: Math.max(1, deadline - Date.now()) });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      try {
        if (worker.running) await worker.call('close', {}, { timeoutMs: 5000, signal: new AbortController().signal });
      } catch {
        // the worker is gone; nothing to roll back
      } finally {
        release();
      }
    };
    let columns: ColumnInfo[];
    try {
      columns = ((await call('cursor', { sql, params, bounds })) as { columns: ColumnInfo[] }).columns;
    } catch (error) {
      await close();
      throw error;
    }
    return {
      get columns() {
        return columns;
      },
      async read(count) {
        if (closed) return { rows: [], cut: [], end: 'done' };
        try {
          return (await call('read', { count })) as RowBatch;
        } catch (error) {
          await close();
          throw error;
        }
      },
      close,
    };
  }

  async explain(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<unknown> {
    return this.exclusive(limits, async (call) => ((await call('all', { sql: `EXPLAIN QUERY PLAN ${sql}`, params })) as { rows: unknown[] }).rows);
  }

  async execute(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<WriteResult> {
    if (this.options.readOnly) throw new DatabaseError('read_only', 'The source is read-only.');
    return this.exclusive(limits, async (call) => (await call('execute', { sql, params })) as WriteResult);
  }

  async loadCatalog(limits: CallLimits): Promise<Catalog> {
    return this.exclusive(limits, async (call) => {
      const all = async (sql: string) => ((await call('all', { sql, params: [] })) as { rows: Array<Record<string, unknown>> }).rows;
      const objects = await all(
        "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
      );
      const columns = await all(
        "SELECT m.name AS t, p.name, p.type, p.\"notnull\" AS nn, p.dflt_value AS def, p.pk FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p WHERE m.type IN ('table', 'view') ORDER BY m.name, p.cid",
      );
      const foreignKeys = await all(
        "SELECT m.name AS t, f.id, f.\"table\" AS rt, f.\"from\" AS col, f.\"to\" AS rc FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq",
      );
      const indexes = await all(
        "SELECT m.name AS t, il.name, il.\"unique\" AS uniq, ii.name AS col FROM sqlite_schema m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii WHERE m.type = 'table' ORDER BY m.name, il.name, ii.seqno",
      );
      const tables = new Map<string, CatalogTable>();
      for (const object of objects) {
        const name = String(object['name']);
        tables.set(name, { schema: 'main', name, kind: object['type'] === 'view' ? 'view' : 'table', rowEstimate: null, comment: null, columns: [], primaryKey: [], foreignKeys: [], indexes: [] });
      }
      const pk = new Map<string, Array<[number, string]>>();
      for (const row of columns) {
        const table = tables.get(String(row['t']));
        if (!table) continue;
        table.columns.push({ name: String(row['name']), type: String(row['type'] || 'any'), nullable: Number(row['nn']) === 0 && Number(row['pk']) === 0, default: row['def'] === null ? null : String(row['def']) });
        if (Number(row['pk']) > 0) pk.set(table.name, [...(pk.get(table.name) ?? []), [Number(row['pk']), String(row['name'])]]);
      }
      for (const [name, keys] of pk) tables.get(name)!.primaryKey = keys.sort((a, b) => a[0] - b[0]).map(([, column]) => column);
      const fkById = new Map<string, CatalogTable['foreignKeys'][number]>();
      for (const row of foreignKeys) {
        const table = tables.get(String(row['t']));
        if (!table) continue;
        const id = `${table.name}\u0000${row['id']}`;
        let fk = fkById.get(id);
        if (!fk) {
          fk = { columns: [], referencedSchema: 'main', referencedTable: String(row['rt']), referencedColumns: [] };
          fkById.set(id, fk);
          table.foreignKeys.push(fk);
        }
        fk.columns.push(String(row['col']));
        fk.referencedColumns.push(row['rc'] === null ? '' : String(row['rc']));
      }
      for (const row of indexes) {
        const table = tables.get(String(row['t']));
        if (!table) continue;
        let index = table.indexes.find((i) => i.name === row['name']);
        if (!index) table.indexes.push((index = { name: String(row['name']), unique: Number(row['uniq']) === 1, columns: [] }));
        index.columns.push(String(row['col']));
      }
      // SQLite keeps no statistics by default; count rows of small databases exactly, the rest stays unknown.
      for (const table of tables.values()) {
        if (table.kind !== 'table' || tables.size > 200) continue;
        const [count] = await all(`SELECT count(*) AS n FROM "${table.name.replace(/"/g, '""')}"`);
        table.rowEstimate = Number(count?.['n'] ?? 0);
      }
      return { schemas: ['main'], tables: [...tables.values()] };
    });
  }

  async privilegeWarnings(): Promise<string[]> {
    return [];
  }

  async close(): Promise<void> {
    for (const worker of this.workers) worker.kill();
  }

  /** Waits (within the gate's bounded line) for a worker no cursor or statement holds; `release` hands it back. */
  private async takeWorker(signal: AbortSignal): Promise<{ worker: SqliteWorker; release: () => void }> {
    const leave = await this.gate.enter(signal);
    // The gate admits at most `workers` callers, so at most that many workers are ever created.
    let worker = this.idle.pop();
    if (!worker) {
      worker = new SqliteWorker(this.options.path, this.options.readOnly);
      this.workers.add(worker);
    }
    const taken = worker;
    let released = false;
    return {
      worker: taken,
      release: () => {
        if (released) return;
        released = true;
        this.idle.push(taken);
        leave();
      },
    };
  }

  /** Runs `body` with one worker to itself (no cursor open on it meanwhile). */
  private async exclusive<T>(limits: CallLimits, body: (call: (type: string, args: Record<string, unknown>) => Promise<unknown>) => Promise<T>): Promise<T> {
    const { worker, release } = await this.takeWorker(limits.signal);
    const deadline = Date.now() + limits.timeoutMs;
    try {
      return await body((type, args) => worker.call(type, args, { ...limits, timeoutMs: Math.max(1, deadline - Date.now()) }));
    } finally {
      release();
    }
  }
}
