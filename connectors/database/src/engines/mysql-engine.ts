import mysql from 'mysql2';
import { DEFAULT_READ_BOUNDS, SYSTEM_SCHEMAS, type Catalog, type CallLimits, type CatalogTable, type ColumnInfo, type Engine, type ReadBounds, type RowBatch, type RowCursor, type SqlValue, type WriteResult } from './engine';
import { RowBudget } from './row-budget';
import { capMysqlCells, MYSQL_JSON, type MysqlDescribedColumn } from './mysql-cell-cap';
import { DatabaseError } from './database-error';
import type { Redactor } from '@mcp-hub/connector-kit';

const KILL_GRACE_MS = 500;
/** Rows buffered ahead of the reader before the socket is paused. */
const HIGH_WATER = 1000;

const TYPE_NAMES = new Map<number, string>(Object.entries(mysql.Types as unknown as Record<string, number>).map(([name, id]) => [id, name.toLowerCase()]));

export interface MysqlEngineOptions {
  url: string;
  redactor: Redactor;
  maxConnections?: number;
}

type Connection = mysql.PoolConnection;

/**
 * MySQL and MariaDB through `mysql2`. Reads run as `START TRANSACTION READ ONLY` with the
 * server's statement time limit (MariaDB `max_statement_time`, MySQL `max_execution_time`) and
 * `KILL QUERY` from another connection on timeout or abort, always rolled back. Statements are
 * server-side prepared (`execute`), which also refuses a second statement; `multipleStatements`
 * stays off and the session's sql_mode is pinned so that quoting matches the classifier.
 */
export class MysqlEngine implements Engine {
  readonly kind = 'mysql' as const;
  defaultSchema = '';
  private mariadb = true;
  private readonly pool: mysql.Pool;
  private readonly redactor: Redactor;

  constructor(options: MysqlEngineOptions) {
    this.redactor = options.redactor;
    this.pool = mysql.createPool({
      uri: options.url,
      connectionLimit: options.maxConnections ?? 5,
      multipleStatements: false,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      connectTimeout: 10_000,
      // LOAD DATA LOCAL is refused by the client too
      infileStreamFactory: undefined,
    });
    this.pool.on('connection', (connection) => {
      // A killed or dropped connection emits 'error' (mysql2 always does for pooled ones); the pool's
      // own listener is a `once`, and a second error with no listener would crash the process.
      // The failure reaches the running command or cursor through its own path.
      connection.on('error', () => undefined);
      connection.query(
        "SET SESSION sql_mode = REPLACE(REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', ''), 'ANSI_QUOTES', '')",
      );
    });
  }

  async connect(): Promise<void> {
    const rows = (await this.query('SELECT VERSION() AS version, DATABASE() AS db')) as Array<{ version: string; db: string | null }>;
    this.mariadb = /mariadb/i.test(rows[0]?.version ?? '');
    this.defaultSchema = rows[0]?.db ?? '';
  }

  preferSchema(): boolean {
    return false;
  }

  async openReadCursor(sql: string, params: readonly SqlValue[], limits: CallLimits, bounds: ReadBounds = DEFAULT_READ_BOUNDS): Promise<RowCursor> {
    const session = await this.begin(limits, true);
    let described: MysqlDescribedColumn[];
    try {
      described = await session.describe(sql);
    } catch (error) {
      await session.end(false, true);
      throw error;
    }
    // Long cells are cut by the server, so one huge value never crosses the wire.
    const wrapped = capMysqlCells(sql, described, bounds.maxCellBytes);
    // MySQL's JSON arrives as text once wrapped: parse the cells that were not cut, as mysql2 would.
    const jsonColumns = wrapped ? described.flatMap((column, index) => (column.columnType === MYSQL_JSON ? [index] : [])) : [];
    const buffer: RowBatch = { rows: [], cut: [], end: 'more' };
    const budget = new RowBudget(bounds);
    let columns: ColumnInfo[] = [];
    let ended = false;
    /** A row arrived after the budget was spent: the result was cut by bytes. */
    let overflow = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    const connection = session.connection;
    const command = connection.execute({ sql: wrapped ?? sql, values: params as unknown[], rowsAsArray: true });
    command.on('fields', (fields: Array<{ name: string; columnType: number }>) => {
      columns = (wrapped ? described : fields).map((f) => ({ name: f.name, type: TYPE_NAMES.get(f.columnType) ?? 'unknown' }));
    });
    command.on('result', (row: unknown) => {
      if (budget.spent) {
        overflow = true;
        connection.pause();
      } else {
        // Cut as the row arrives; mysql2 has already parsed it whole (one row at a time).
        const taken = budget.take(row as unknown[]);
        for (const column of jsonColumns) taken.row[column] = parseJsonCell(taken.row[column], taken.cut.includes(column));
        RowBudget.append(buffer, taken);
        if (buffer.rows.length >= HIGH_WATER || budget.spent) connection.pause();
      }
      notify();
    });
    const fail = (error: unknown) => {
      failure ??= error;
      ended = true;
      notify();
    };
    // A command without a callback is not told when the connection dies (mysql2 tells the
    // connection only): without these the reader would wait for rows forever.
    const lost = () => fail(Object.assign(new Error('Connection lost: the server closed the connection.'), { fatal: true, code: 'PROTOCOL_CONNECTION_LOST' }));
    const unlisten = () => {
      connection.off('error', fail);
      connection.off('end', lost);
    };
    command.on('error', fail);
    connection.once('error', fail);
    connection.once('end', lost);
    command.on('end', () => {
      ended = true;
      notify();
    });
    const engine = this;
    return {
      get columns() {
        return columns;
      },
      async read(count) {
        while (buffer.rows.length < count && !ended && !overflow) {
          // The waker is set before resuming: resume() hands packets held while paused (the end
          // of the result among them) to the listeners at once, and a wake-up before it is set
          // was lost, leaving the call to hang until its deadline.
          const woken = new Promise<void>((resolve) => (wake = resolve));
          connection.resume();
          await woken;
        }
        if (failure) {
          const error = engine.toDatabaseError(failure, limits);
          unlisten();
          await session.end(false, true);
          throw error;
        }
        const rows = buffer.rows.splice(0, count);
        const cut = buffer.cut.filter(([row]) => row < rows.length);
        buffer.cut = buffer.cut.filter(([row]) => row >= rows.length).map(([row, column]) => [row - rows.length, column]);
        const end = buffer.rows.length > 0 ? 'more' : overflow ? 'max_bytes' : ended ? 'done' : 'more';
        return { rows, cut, end };
      },
      // Stopping early: destroying the connection ends the query and its transaction at once,
      // instead of draining rows the caller does not want.
      close: async () => {
        unlisten();
        await session.end(false, !ended);
      },
    };
  }

  async explain(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<unknown> {
    const session = await this.begin(limits, true);
    try {
      const rows = (await session.execute(`EXPLAIN FORMAT=JSON ${sql}`, params)) as Array<Record<string, unknown>>;
      const plan = Object.values(rows[0] ?? {})[0];
      return typeof plan === 'string' ? JSON.parse(plan) : plan;
    } finally {
      await session.end(false);
    }
  }

  async execute(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<WriteResult> {
    const session = await this.begin(limits, false);
    try {
      const [result, fields] = await session.connection.promise().execute({ sql, values: params as unknown[], rowsAsArray: true });
      await session.end(true);
      if (Array.isArray(result)) {
        const columns = (fields ?? []).map((f) => ({ name: f.name, type: TYPE_NAMES.get(f.columnType ?? -1) ?? 'unknown' }));
        return { rowsAffected: 0, columns, rows: result as unknown[][] };
      }
      return { rowsAffected: (result as { affectedRows: number }).affectedRows, columns: [], rows: [] };
    } catch (error) {
      await session.end(false, true);
      throw this.toDatabaseError(error, limits);
    }
  }

  async loadCatalog(limits: CallLimits): Promise<Catalog> {
    const session = await this.begin(limits, true);
    try {
      const system = [...SYSTEM_SCHEMAS.mysql].map((s) => `'${s}'`).join(', ');
      const schemas = (await session.execute(`SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (${system}) ORDER BY 1`, [])) as Array<{ name: string }>;
      const tables = (await session.execute(
        `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, TABLE_TYPE AS kind, TABLE_ROWS AS estimate, TABLE_COMMENT AS comment
           FROM information_schema.TABLES WHERE TABLE_SCHEMA NOT IN (${system}) ORDER BY 1, 2`,
        [],
      )) as Array<Record<string, unknown>>;
      const columns = (await session.execute(
        `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def
           FROM information_schema.COLUMNS WHERE TABLE_SCHEMA NOT IN (${system}) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
        [],
      )) as Array<Record<string, unknown>>;
      const keys = (await session.execute(
        `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, CONSTRAINT_NAME AS c, COLUMN_NAME AS col, REFERENCED_TABLE_SCHEMA AS rs, REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc
           FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA NOT IN (${system}) ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
        [],
      )) as Array<Record<string, unknown>>;
      const indexes = (await session.execute(
        `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, INDEX_NAME AS name, NON_UNIQUE AS nonunique, COLUMN_NAME AS col
           FROM information_schema.STATISTICS WHERE TABLE_SCHEMA NOT IN (${system}) ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
        [],
      )) as Array<Record<string, unknown>>;
      const byName = new Map<string, CatalogTable>();
      const key = (row: Record<string, unknown>) => `${row['s']}\u0000${row['t']}`;
      for (const row of tables) {
        const view = String(row['kind']).includes('VIEW');
        byName.set(key(row), {
          schema: String(row['s']),
          name: String(row['t']),
          kind: view ? 'view' : 'table',
          rowEstimate: view || row['estimate'] === null ? null : Number(row['estimate']),
          comment: row['comment'] ? String(row['comment']) : null,
          columns: [],
          primaryKey: [],
          foreignKeys: [],
          indexes: [],
        });
      }
      for (const row of columns) {
        byName.get(key(row))?.columns.push({ name: String(row['name']), type: String(row['type']), nullable: row['nullable'] === 'YES', default: row['def'] === null ? null : String(row['def']) });
      }
      for (const row of keys) {
        const table = byName.get(key(row));
        if (!table) continue;
        if (row['c'] === 'PRIMARY') table.primaryKey.push(String(row['col']));
        else if (row['rt']) {
          let fk = table.foreignKeys.find((f) => (f as { name?: string }).name === row['c']);
          if (!fk) {
            fk = { columns: [], referencedSchema: String(row['rs']), referencedTable: String(row['rt']), referencedColumns: [] };
            Object.defineProperty(fk, 'name', { value: row['c'], enumerable: false });
            table.foreignKeys.push(fk);
          }
          fk.columns.push(String(row['col']));
          fk.referencedColumns.push(String(row['rc']));
        }
      }
      for (const row of indexes) {
        const table = byName.get(key(row));
        if (!table) continue;
        let index = table.indexes.find((i) => i.name === row['name']);
        if (!index) table.indexes.push((index = { name: String(row['name']), unique: Number(row['nonunique']) === 0, columns: [] }));
        index.columns.push(String(row['col']));
      }
      return { schemas: schemas.map((s) => s.name), tables: [...byName.values()] };
    } finally {
      await session.end(false);
    }
  }

  async privilegeWarnings(): Promise<string[]> {
    const rows = (await this.query('SHOW GRANTS')) as Array<Record<string, string>>;
    const warnings = new Set<string>();
    for (const row of rows) {
      const grant = Object.values(row)[0] ?? '';
      const privileges = /^GRANT (.*?) ON /i.exec(grant)?.[1] ?? '';
      if (/ALL PRIVILEGES/i.test(privileges)) warnings.add('the user has ALL PRIVILEGES');
      if (/\bSUPER\b/i.test(privileges)) warnings.add('the user has SUPER');
      if (/\bFILE\b/i.test(privileges)) warnings.add('the user has FILE (can read and write server files)');
      const writes = privileges.match(/\b(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|INDEX|CREATE ROUTINE|EXECUTE|TRIGGER|EVENT)\b/gi);
      if (writes) warnings.add(`the user can ${[...new Set(writes.map((w) => w.toUpperCase()))].join(', ')}`);
    }
    return [...warnings];
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.pool.end(() => resolve()));
  }

  /** Kills the statement running on a connection, from another connection. */
  async killQuery(threadId: number): Promise<void> {
    await this.query(`KILL QUERY ${Number(threadId)}`).catch(() => undefined);
  }

  timeoutStatement(timeoutMs: number): string {
    return this.mariadb
      ? `SET SESSION max_statement_time = ${(timeoutMs / 1000).toFixed(3)}`
      : `SET SESSION max_execution_time = ${Math.round(timeoutMs)}`;
  }

  private async begin(limits: CallLimits, readOnly: boolean): Promise<MysqlSession> {
    if (limits.signal.aborted) throw new DatabaseError('cancelled', 'The call was cancelled.');
    const connection = await new Promise<Connection>((resolve, reject) =>
      this.pool.getConnection((error, conn) => (error ? reject(this.toDatabaseError(error)) : resolve(conn))),
    );
    const session = new MysqlSession(connection, this, limits);
    try {
      await session.execute(this.timeoutStatement(limits.timeoutMs), [], true);
      await session.execute(readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION', [], true);
    } catch (error) {
      await session.end(false, true);
      throw error;
    }
    return session;
  }

  private async query(sql: string): Promise<unknown> {
    try {
      const [rows] = await this.pool.promise().query(sql);
      return rows;
    } catch (error) {
      throw this.toDatabaseError(error);
    }
  }

  toDatabaseError(error: unknown, limits?: CallLimits): DatabaseError {
    if (error instanceof DatabaseError) return error;
    const e = error as { code?: string; errno?: number; message?: string; fatal?: boolean };
    const message = this.redactor.redact(String(e.message ?? 'unknown error'));
    const code = e.code;
    if (limits?.signal.aborted) return new DatabaseError('cancelled', 'The call was cancelled.', code);
    if (e.errno === 1969 || e.errno === 3024 || e.errno === 1317 || code === 'ER_STATEMENT_TIMEOUT' || code === 'ER_QUERY_INTERRUPTED') {
      return new DatabaseError('timeout', `The statement ran longer than ${limits?.timeoutMs ?? 'the allowed'} ms and was killed.`, code);
    }
    if (e.errno === 1792) return new DatabaseError('read_only', `MySQL refused a write in a read-only transaction: ${message}`, code);
    if (e.errno === 1142 || e.errno === 1143 || e.errno === 1044 || e.errno === 1227 || e.errno === 1370) return new DatabaseError('permission', `MySQL: ${message}`, code);
    if (code === 'PROTOCOL_CONNECTION_LOST' || e.errno === 1927 || e.errno === 2013) {
      return new DatabaseError('connection', `The connection to the MySQL server was lost (${code ?? e.errno}).`, code);
    }
    if (e.fatal || !e.errno || e.errno === 1045 || /ECONNREFUSED|ETIMEDOUT|ENOTFOUND/.test(String(code))) {
      return new DatabaseError('connection', `Could not reach the MySQL server (${code ?? 'connection error'}).`, code);
    }
    return new DatabaseError('invalid_statement', `MySQL error ${code ?? e.errno}: ${message}`, code);
  }
}

class MysqlSession {
  private ended = false;
  private readonly onAbort: () => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly connection: Connection,
    private readonly engine: MysqlEngine,
    private readonly limits: CallLimits,
  ) {
    const kill = () => {
      if (!this.ended) void this.engine.killQuery(connection.threadId);
    };
    this.onAbort = kill;
    limits.signal.addEventListener('abort', kill, { once: true });
    this.timer = setTimeout(kill, limits.timeoutMs + KILL_GRACE_MS);
    this.timer.unref();
  }

  /** The result columns of `sql`, from a server-side prepare (nothing runs); the statement stays cached for `execute`. */
  async describe(sql: string): Promise<MysqlDescribedColumn[]> {
    return new Promise((resolve, reject) =>
      this.connection.prepare(sql, (error, statement) => {
        if (error) return reject(this.engine.toDatabaseError(error, this.limits));
        const columns = (statement as unknown as { columns?: MysqlDescribedColumn[] }).columns ?? [];
        resolve(columns.map((c) => ({ name: c.name, columnType: c.columnType, columnLength: c.columnLength, characterSet: c.characterSet })));
      }),
    );
  }

  async execute(sql: string, params: readonly SqlValue[], plain = false): Promise<unknown> {
    try {
      const promise = this.connection.promise();
      const [rows] = plain ? await promise.query(sql) : await promise.execute(sql, params as Array<string | number | boolean | null>);
      return rows;
    } catch (error) {
      throw this.engine.toDatabaseError(error, this.limits);
    }
  }

  /** Commits or rolls back and returns the connection to the pool; `destroy` drops it instead (a query may still be running). */
  async end(commit: boolean, destroy = false): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.limits.signal.removeEventListener('abort', this.onAbort);
    if (destroy) {
      this.connection.destroy();
      return;
    }
    try {
      this.connection.resume();
      await this.connection.promise().query(commit ? 'COMMIT' : 'ROLLBACK');
      this.connection.release();
    } catch (error) {
      this.connection.destroy();
      if (commit) throw this.engine.toDatabaseError(error, this.limits);
    }
  }
}

/** A JSON cell that arrived as text: parsed unless it was cut (a cut document stays text, as elsewhere). */
function parseJsonCell(value: unknown, cut: boolean): unknown {
  if (cut || typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
