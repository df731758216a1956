import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Catalog, CallLimits, CatalogTable, ColumnInfo, Engine, RowCursor, SqlValue, WriteResult } from './engine';
import { DatabaseError } from './database-error';

/**
 * The child process that owns the SQLite handle. better-sqlite3 is synchronous and cannot
 * interrupt a statement, so a runaway query (a recursive CTE, a huge cross join) would freeze
 * the hub. A worker thread is not enough: terminating it does not stop native code inside
 * sqlite3_step. A child process is killed with SIGKILL on timeout and a fresh one takes over.
 */
const WORKER_SOURCE = `
const workerData = JSON.parse(process.env.MCP_SQLITE_WORKER);
const parentPort = { postMessage: (m) => process.send(m), on: (e, f) => process.on(e, f) };
process.on('disconnect', () => process.exit(0));
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: workerData.readOnly, fileMustExist: true });
db.pragma('query_only = ON');
db.pragma('trusted_schema = OFF');
db.defaultSafeIntegers(true);
let cursor = null;
const plain = (v) => typeof v === 'bigint' ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v;
const row = (r) => r.map(plain);
const columns = (stmt) => stmt.columns().map((c) => ({ name: c.name, type: c.type || 'unknown' }));
const closeCursor = () => {
  if (!cursor) return;
  try { cursor.iterator.return(); } catch {}
  cursor = null;
  try { db.exec('ROLLBACK'); } catch {}
};
const handlers = {
  cursor({ sql, params }) {
    closeCursor();
    db.exec('BEGIN');
    try {
      const stmt = db.prepare(sql);
      if (!stmt.reader) throw Object.assign(new Error('not a query'), { code: 'NOT_A_QUERY' });
      stmt.raw(true);
      cursor = { iterator: stmt.iterate(...params), columns: columns(stmt) };
      return { columns: cursor.columns };
    } catch (e) { closeCursor(); try { db.exec('ROLLBACK'); } catch {} throw e; }
  },
  read({ count }) {
    if (!cursor) return { rows: [] };
    const rows = [];
    while (rows.length < count) {
      const next = cursor.iterator.next();
      if (next.done) break;
      rows.push(row(next.value));
    }
    return { rows };
  },
  close() { closeCursor(); return {}; },
  all({ sql, params }) {
    closeCursor();
    db.exec('BEGIN');
    try { return { rows: db.prepare(sql).all(...params).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]))) }; }
    finally { db.exec('ROLLBACK'); }
  },
  execute({ sql, params }) {
    closeCursor();
    db.pragma('query_only = OFF');
    try {
      const stmt = db.prepare(sql);
      if (stmt.reader) { stmt.raw(true); return { rowsAffected: 0, columns: columns(stmt), rows: stmt.all(...params).map(row) }; }
      const info = stmt.run(...params);
      return { rowsAffected: info.changes, columns: [], rows: [] };
    } finally { db.pragma('query_only = ON'); }
  },
};
parentPort.on('message', (message) => {
  try {
    parentPort.postMessage({ id: message.id, ok: true, value: handlers[message.type](message) });
  } catch (e) {
    parentPort.postMessage({ id: message.id, ok: false, error: { message: String(e && e.message), code: e && e.code } });
  }
});
`;

export interface SqliteEngineOptions {
  path: string;
  readOnly: boolean;
}

interface Pending {
  worker: ChildProcess;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * SQLite through `better-sqlite3`, in a child process. A read-only source opens the file
 * read-only; every read also runs with `PRAGMA query_only = ON` inside a transaction that is
 * rolled back; `trusted_schema` is off and `ATTACH` is refused by the classifier.
 */
export class SqliteEngine implements Engine {
  readonly kind = 'sqlite' as const;
  readonly defaultSchema = 'main';
  private worker?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private lock: Promise<void> = Promise.resolve();

  constructor(private readonly options: SqliteEngineOptions) {}

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

  async openReadCursor(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<RowCursor> {
    const release = await this.takeWorker();
    const deadline = Date.now() + limits.timeoutMs;
    const call = (type: string, body: Record<string, unknown>) => this.call(type, body, { ...limits, timeoutMs: Math.max(1, deadline - Date.now()) });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      try {
        if (this.worker) await this.call('close', {}, { timeoutMs: 5000, signal: new AbortController().signal });
      } catch {
        // the worker is gone; nothing to roll back
      } finally {
        release();
      }
    };
    let columns: ColumnInfo[];
    try {
      columns = ((await call('cursor', { sql, params })) as { columns: ColumnInfo[] }).columns;
    } catch (error) {
      await close();
      throw error;
    }
    return {
      get columns() {
        return columns;
      },
      async read(count) {
        if (closed) return [];
        try {
          return ((await call('read', { count })) as { rows: unknown[][] }).rows;
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
    const worker = this.worker;
    this.worker = undefined;
    worker?.kill('SIGKILL');
  }

  /** Waits until no cursor or statement holds the worker; returns the function that frees it. */
  private async takeWorker(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = this.lock;
    this.lock = previous.then(() => held);
    await previous;
    return release;
  }

  /** Runs `body` with the worker to itself (no cursor open meanwhile). */
  private async exclusive<T>(limits: CallLimits, body: (call: (type: string, args: Record<string, unknown>) => Promise<unknown>) => Promise<T>): Promise<T> {
    const release = await this.takeWorker();
    const deadline = Date.now() + limits.timeoutMs;
    try {
      return await body((type, args) => this.call(type, args, { ...limits, timeoutMs: Math.max(1, deadline - Date.now()) }));
    } finally {
      release();
    }
  }

  private call(type: string, body: Record<string, unknown>, limits: CallLimits): Promise<unknown> {
    if (limits.signal.aborted) return Promise.reject(new DatabaseError('cancelled', 'The call was cancelled.'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const kill = (error: DatabaseError) => {
        cleanup();
        this.pending.delete(id);
        reject(error);
        // The statement cannot be interrupted in place: the thread goes, a new one starts on demand.
        if (this.worker === worker) this.worker = undefined;
        worker.kill('SIGKILL');
      };
      const onAbort = () => kill(new DatabaseError('cancelled', 'The call was cancelled.'));
      const timer = setTimeout(() => kill(new DatabaseError('timeout', `The statement ran longer than the allowed time and was stopped.`)), limits.timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        limits.signal.removeEventListener('abort', onAbort);
      };
      limits.signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        worker,
        resolve: (value) => {
          cleanup();
          resolve(value);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      });
      worker.send({ id, type, ...body });
    });
  }

  private ensureWorker(): ChildProcess {
    if (this.worker) return this.worker;
    const workerData = { driver: require.resolve('better-sqlite3'), path: this.options.path, readOnly: this.options.readOnly };
    const worker = spawn(process.execPath, ['-e', WORKER_SOURCE], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      env: { PATH: process.env['PATH'] ?? '', MCP_SQLITE_WORKER: JSON.stringify(workerData) },
    });
    worker.unref();
    (worker.channel as { unref?: () => void } | undefined)?.unref?.();
    worker.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: { message: string; code?: string } }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(toDatabaseError(message.error ?? { message: 'unknown error' }));
    });
    const failAll = (reason: string) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, pending] of this.pending) {
        if (pending.worker !== worker) continue;
        this.pending.delete(id);
        pending.reject(new DatabaseError('connection', reason));
      }
    };
    worker.on('error', () => failAll('The SQLite worker could not start.'));
    worker.on('exit', () => failAll('The SQLite database could not be opened or its worker stopped.'));
    this.worker = worker;
    return worker;
  }
}

function toDatabaseError(error: { message: string; code?: string }): DatabaseError {
  const code = error.code;
  if (code === 'SQLITE_READONLY' || /readonly|query_only|attempt to write/i.test(error.message)) {
    return new DatabaseError('read_only', `SQLite refused a write: ${error.message}`, code);
  }
  if (code === 'SQLITE_AUTH') return new DatabaseError('permission', `SQLite: ${error.message}`, code);
  if (code === 'NOT_A_QUERY') return new DatabaseError('invalid_statement', 'The statement returns no rows.', code);
  return new DatabaseError('invalid_statement', `SQLite error: ${error.message}`, code);
}
