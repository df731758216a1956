import { spawn, type ChildProcess } from 'node:child_process';
import type { CallLimits } from './engine';
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
// Same contract as cell-bound.ts (this code runs in the child, which cannot import it):
// text cut to maxBytes UTF-8 bytes on a character boundary, binary to maxBytes / 2 (shown as hex).
const boundCell = (v, max) => {
  if (typeof v === 'string') {
    if (v.length * 3 <= max) return [v, Buffer.byteLength(v) + 2, false];
    const head = Buffer.from(v.length > max ? v.slice(0, max) : v);
    if (v.length <= max && head.length <= max) return [v, head.length + 2, false];
    let end = Math.min(max, head.length);
    while (end > 0 && (head[end] & 0xc0) === 0x80) end--;
    return [head.subarray(0, end).toString('utf8'), end + 2, true];
  }
  if (v instanceof Uint8Array) {
    const limit = Math.floor(max / 2);
    if (v.length <= limit) return [v, v.length * 2 + 4, false];
    return [Buffer.from(v.subarray(0, limit)), limit * 2 + 4, true];
  }
  return [v, 24, false];
};
const closeCursor = () => {
  if (!cursor) return;
  try { cursor.iterator.return(); } catch {}
  cursor = null;
  try { db.exec('ROLLBACK'); } catch {}
};
const handlers = {
  cursor({ sql, params, bounds }) {
    closeCursor();
    db.exec('BEGIN');
    try {
      const stmt = db.prepare(sql);
      if (!stmt.reader) throw Object.assign(new Error('not a query'), { code: 'NOT_A_QUERY' });
      stmt.raw(true);
      cursor = { iterator: stmt.iterate(...params), columns: columns(stmt), bounds, used: 0, end: null };
      return { columns: cursor.columns };
    } catch (e) { closeCursor(); try { db.exec('ROLLBACK'); } catch {} throw e; }
  },
  // Caps are enforced here, row by row, before anything is posted to the parent: each cell is cut
  // to maxCellBytes and the cursor stops after the row that takes it past maxBytes.
  read({ count }) {
    if (!cursor) return { rows: [], cut: [], end: 'done' };
    const rows = [];
    const cut = [];
    while (!cursor.end && rows.length < count) {
      const spent = cursor.used >= cursor.bounds.maxBytes;
      const next = cursor.iterator.next();
      // Once spent, one more step only tells whether the result was cut (exact truncation).
      if (next.done) cursor.end = 'done';
      else if (spent) cursor.end = 'max_bytes';
      if (cursor.end) break;
      rows.push(next.value.map((v, column) => {
        const [value, bytes, wasCut] = boundCell(plain(v), cursor.bounds.maxCellBytes);
        cursor.used += bytes + 1;
        if (wasCut) cut.push([rows.length, column]);
        return value;
      }));
    }
    return { rows, cut, end: cursor.end || 'more' };
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

export interface WorkerPending {
  worker: ChildProcess;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * One child process holding one SQLite handle, started on first use and replaced after it is
 * killed. Calls to one worker are strictly sequential (the engine hands a worker to one caller
 * at a time).
 */
export class SqliteWorker {
  private worker?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, WorkerPending>();

  constructor(
    private readonly path: string,
    private readonly readOnly: boolean,
  ) {}

  get running(): boolean {
    return this.worker !== undefined;
  }

  kill(): void {
    const worker = this.worker;
    this.worker = undefined;
    worker?.kill('SIGKILL');
  }

  /** Sends one message and waits for its reply; on timeout or abort the child is killed (a new one starts on the next call). */
  call(type: string, body: Record<string, unknown>, limits: CallLimits): Promise<unknown> {
    if (limits.signal.aborted) return Promise.reject(new DatabaseError('cancelled', 'The call was cancelled.'));
    const worker = this.ensure();
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

  private ensure(): ChildProcess {
    if (this.worker) return this.worker;
    const workerData = { driver: require.resolve('better-sqlite3'), path: this.path, readOnly: this.readOnly };
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
