import pg from 'pg';
import { BoundedFetch } from './bounded-fetch';
import { capPostgresCells, quoteIdentifier, type PostgresTypeInfo } from './postgres-cell-cap';
import { PostgresDescribe, type DescribedColumn } from './postgres-describe';
import { DEFAULT_READ_BOUNDS, type Catalog, type CallLimits, type CatalogTable, type ColumnInfo, type Engine, type ReadBounds, type RowBatch, type RowCursor, type SqlValue, type WriteResult } from './engine';
import { RowBudget } from './row-budget';
import { DatabaseError } from './database-error';
import type { Redactor } from '@mcp-hub/connector-kit';

/** Date and time types stay text: the server's own rendering, with no time-zone conversion in Node. */
const TEXT_TYPES = [1082, 1083, 1114, 1184, 1266, 1186];

/** Rows asked for before any row size is known. */
const FIRST_FETCH = 8;

/** Client-side grace after the server-side timeout before the connector cancels the backend itself. */
const CANCEL_GRACE_MS = 1000;

export interface PostgresEngineOptions {
  url: string;
  redactor: Redactor;
  /** Pool size. Default 5. */
  maxConnections?: number;
}

/**
 * PostgreSQL through `pg`. Reads run as `BEGIN READ ONLY` + `SET LOCAL statement_timeout` +
 * a server-side cursor (`DECLARE … NO SCROLL CURSOR`, extended protocol so a second statement
 * cannot ride along), always rolled back; cancellation uses `pg_cancel_backend`.
 */
export class PostgresEngine implements Engine {
  readonly kind = 'postgres' as const;
  defaultSchema = 'public';
  private readonly pool: pg.Pool;
  private readonly redactor: Redactor;
  private readonly typeNames = new Map<number, string>();
  private readonly typeInfo = new Map<number, PostgresTypeInfo>();

  constructor(options: PostgresEngineOptions) {
    this.redactor = options.redactor;
    const types = {
      getTypeParser: (oid: number, format?: string) =>
        TEXT_TYPES.includes(oid) ? (value: string) => value : pg.types.getTypeParser(oid, (format ?? 'text') as 'text'),
    };
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 5,
      application_name: 'mcp-hub-database',
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      types,
    } as pg.PoolConfig);
    // A dropped connection (server restart, failover, pg_terminate_backend) emits 'error' on its
    // client. pg-pool listens only while the client is idle; a checked-out client with no listener
    // would crash the process. The failure already reaches the running query (or the next
    // checkout), and pg-pool drops a client that is not queryable, so nothing more is needed here.
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
  }

  async connect(): Promise<void> {
    const result = await this.run(() => this.pool.query('SELECT current_schema() AS schema'));
    this.defaultSchema = (result.rows[0] as { schema: string | null }).schema ?? 'public';
  }

  preferSchema(schema: string): boolean {
    this.defaultSchema = schema;
    return true;
  }

  async openReadCursor(sql: string, params: readonly SqlValue[], limits: CallLimits, bounds: ReadBounds = DEFAULT_READ_BOUNDS): Promise<RowCursor> {
    const session = await this.begin(limits, true);
    let types: number[] | undefined;
    try {
      // Long cells are cut by the server, so one huge value never crosses the wire.
      const described = await session.describe(sql);
      await this.loadTypes(described.map((c) => c.dataTypeID));
      const capped = capPostgresCells(sql, described, this.typeInfo, bounds.maxCellBytes);
      types = capped?.types;
      await session.query(`DECLARE mcp_cursor NO SCROLL CURSOR FOR ${capped?.text ?? sql}`, params);
    } catch (error) {
      await session.end(false);
      throw error;
    }
    let columns: ColumnInfo[] = [];
    let finished: RowBatch['end'] | undefined;
    let largestRow = 0;
    const budget = new RowBudget(bounds);
    const engine = this;
    return {
      get columns() {
        return columns;
      },
      async read(count) {
        const batch: RowBatch = { rows: [], cut: [], end: finished ?? 'more' };
        if (finished) return batch;
        while (batch.rows.length < count && !budget.spent) {
          const wanted = count - batch.rows.length;
          // Ask for as many rows as the remaining budget holds at the largest row seen so far:
          // small rows come in one round trip, huge ones one at a time.
          const size = largestRow === 0 ? Math.min(wanted, FIRST_FETCH) : Math.max(1, Math.min(wanted, Math.floor(bounds.maxBytes / largestRow)));
          const fetched = await session.fetch(size, budget, types);
          if (columns.length === 0) columns = await engine.describeFields(fetched.fields);
          largestRow = Math.max(largestRow, fetched.largestRow);
          for (const [row, column] of fetched.cut) batch.cut.push([batch.rows.length + row, column]);
          batch.rows.push(...fetched.kept);
          if (fetched.received < size) {
            finished = 'done';
            break;
          }
          if (fetched.dropped > 0) finished = 'max_bytes';
        }
        if (!finished && budget.spent) {
          // Exact truncation: is there a row after the budget ran out?
          const probe = await session.fetch(1, budget);
          finished = probe.received > 0 ? 'max_bytes' : 'done';
        }
        batch.end = finished ?? 'more';
        return batch;
      },
      close: () => session.end(false),
    };
  }

  async explain(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<unknown> {
    const session = await this.begin(limits, true);
    try {
      const result = await session.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      return (result.rows[0] as Record<string, unknown>)['QUERY PLAN'];
    } finally {
      await session.end(false);
    }
  }

  async execute(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<WriteResult> {
    const session = await this.begin(limits, false);
    try {
      const result = await session.query(sql, params, 'array');
      await session.end(true);
      return {
        rowsAffected: result.rowCount ?? 0,
        columns: result.fields.length > 0 ? await this.describeFields(result.fields) : [],
        rows: (result.rows ?? []) as unknown[][],
      };
    } catch (error) {
      await session.end(false);
      throw error;
    }
  }

  async loadCatalog(limits: CallLimits): Promise<Catalog> {
    const session = await this.begin(limits, true);
    try {
      const system = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;
      const schemas = await session.query(`SELECT n.nspname AS name FROM pg_namespace n WHERE ${system} AND has_schema_privilege(n.oid, 'USAGE') ORDER BY 1`, []);
      const relations = await session.query(
        `SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.reltuples AS estimate, obj_description(c.oid, 'pg_class') AS comment
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${system} AND has_schema_privilege(n.oid, 'USAGE')
          ORDER BY 2, 3`,
        [],
      );
      const columns = await session.query(
        `SELECT a.attrelid AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
                pg_get_expr(d.adbin, d.adrelid) AS "default"
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
          WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${system}
          ORDER BY a.attrelid, a.attnum`,
        [],
      );
      const constraints = await session.query(
        `SELECT con.conrelid AS oid, con.contype AS type,
                ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
                rn.nspname AS ref_schema, rc.relname AS ref_table,
                ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS ref_columns
           FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
          WHERE con.contype IN ('p', 'f') AND ${system}`,
        [],
      );
      const indexes = await session.query(
        `SELECT i.indrelid AS oid, ic.relname AS name, i.indisunique AS unique,
                ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, true) FROM generate_subscripts(i.indkey, 1) WITH ORDINALITY k(sub, ord) WHERE k.ord <= i.indnkeyatts)::text[] AS columns
           FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE ${system}
          ORDER BY 2`,
        [],
      );
      const byOid = new Map<number, CatalogTable>();
      for (const row of relations.rows as Array<Record<string, unknown>>) {
        const estimate = Number(row['estimate']);
        byOid.set(Number(row['oid']), {
          schema: String(row['schema']),
          name: String(row['name']),
          kind: row['kind'] === 'v' || row['kind'] === 'm' ? 'view' : 'table',
          rowEstimate: row['kind'] === 'v' || estimate < 0 ? null : Math.round(estimate),
          comment: (row['comment'] as string | null) ?? null,
          columns: [],
          primaryKey: [],
          foreignKeys: [],
          indexes: [],
        });
      }
      for (const row of columns.rows as Array<Record<string, unknown>>) {
        byOid.get(Number(row['oid']))?.columns.push({
          name: String(row['name']),
          type: String(row['type']),
          nullable: Boolean(row['nullable']),
          default: (row['default'] as string | null) ?? null,
        });
      }
      for (const row of constraints.rows as Array<Record<string, unknown>>) {
        const table = byOid.get(Number(row['oid']));
        if (!table) continue;
        if (row['type'] === 'p') table.primaryKey = row['columns'] as string[];
        else {
          table.foreignKeys.push({
            columns: row['columns'] as string[],
            referencedSchema: String(row['ref_schema']),
            referencedTable: String(row['ref_table']),
            referencedColumns: row['ref_columns'] as string[],
          });
        }
      }
      for (const row of indexes.rows as Array<Record<string, unknown>>) {
        byOid.get(Number(row['oid']))?.indexes.push({ name: String(row['name']), unique: Boolean(row['unique']), columns: row['columns'] as string[] });
      }
      return { schemas: (schemas.rows as Array<{ name: string }>).map((r) => r.name), tables: [...byOid.values()] };
    } finally {
      await session.end(false);
    }
  }

  async rowFunctionNames(): Promise<Set<string>> {
    // Functions `x.f` can call as f(x): first argument a composite (a table's row type) or a
    // pseudo/polymorphic type that accepts one. Functions created later are missed until restart;
    // creating functions needs privileges a query source should not have.
    const result = await this.run(() =>
      this.pool.query(
        `SELECT DISTINCT lower(p.proname) AS name FROM pg_proc p JOIN pg_type t ON t.oid = p.proargtypes[0]
          WHERE p.pronargs >= 1
            AND (t.typtype = 'c' OR t.typname IN ('record', 'anyelement', 'anycompatible', 'anynonarray', 'anycompatiblenonarray', 'any'))`,
      ),
    );
    return new Set(result.rows.map((row) => String((row as { name: string }).name)));
  }

  async privilegeWarnings(): Promise<string[]> {
    const result = await this.run(() =>
      this.pool.query(
        `SELECT r.rolsuper AS superuser, r.rolcreaterole AS createrole, r.rolcreatedb AS createdb,
                (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                    AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
                         OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE'))) AS writable,
                (SELECT count(*) FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                    AND has_schema_privilege(n.oid, 'CREATE')) AS creatable
           FROM pg_roles r WHERE r.rolname = current_user`,
      ),
    );
    const row = result.rows[0] as Record<string, unknown> | undefined;
    if (!row) return [];
    const warnings: string[] = [];
    if (row['superuser']) warnings.push('the role is a superuser');
    if (row['createrole']) warnings.push('the role can create roles');
    if (Number(row['writable']) > 0) warnings.push(`the role can write to ${row['writable']} table(s)`);
    if (Number(row['creatable']) > 0) warnings.push(`the role can create objects in ${row['creatable']} schema(s)`);
    return warnings;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Checks out a client and opens a transaction with the call's timeout and a fixed search_path. */
  private async begin(limits: CallLimits, readOnly: boolean): Promise<PostgresSession> {
    if (limits.signal.aborted) throw new DatabaseError('cancelled', 'The call was cancelled.');
    const client = await this.run(() => this.pool.connect());
    const session = new PostgresSession(client, this, limits);
    try {
      await session.query(readOnly ? 'BEGIN READ ONLY' : 'BEGIN', []);
      await session.query(
        `SELECT set_config('statement_timeout', $1, true), set_config('search_path', $2, true),
                set_config('standard_conforming_strings', 'on', true), set_config('idle_in_transaction_session_timeout', $3, true)`,
        [String(limits.timeoutMs), quoteIdentifier(this.defaultSchema), String(limits.timeoutMs * 6 + 60_000)],
      );
    } catch (error) {
      await session.end(false);
      throw error;
    }
    return session;
  }

  /** Cancels a backend's running statement from another connection (same role may cancel its own backends). */
  async cancelBackend(pid: number): Promise<void> {
    await this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
  }

  private async describeFields(fields: Array<{ name: string; dataTypeID: number }>): Promise<ColumnInfo[]> {
    await this.loadTypes(fields.map((f) => f.dataTypeID));
    return fields.map((f) => ({ name: f.name, type: this.typeNames.get(f.dataTypeID) ?? 'unknown' }));
  }

  /** Caches the name and length of types not seen yet (type OIDs are stable while the server runs). */
  private async loadTypes(oids: readonly number[]): Promise<void> {
    const missing = [...new Set(oids.filter((oid) => !this.typeNames.has(oid)))];
    if (missing.length === 0) return;
    const result = await this.run(() => this.pool.query('SELECT oid::int AS oid, typname, typlen::int AS typlen FROM pg_type WHERE oid = ANY($1::oid[])', [missing]));
    for (const row of result.rows as Array<{ oid: number; typname: string; typlen: number }>) {
      this.typeNames.set(row.oid, row.typname);
      this.typeInfo.set(row.oid, { length: row.typlen });
    }
  }

  /** Runs a driver call, turning its errors into scrubbed {@link DatabaseError}s. */
  async run<T>(call: () => Promise<T>, limits?: CallLimits): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.toDatabaseError(error, limits);
    }
  }

  toDatabaseError(error: unknown, limits?: CallLimits): DatabaseError {
    if (error instanceof DatabaseError) return error;
    const e = error as { code?: string; message?: string };
    const message = this.redactor.redact(String(e.message ?? 'unknown error'));
    const code = e.code;
    if (limits?.signal.aborted) return new DatabaseError('cancelled', 'The call was cancelled.', code);
    if (code === '57014') return new DatabaseError('timeout', `The statement ran longer than ${limits?.timeoutMs ?? 'the allowed'} ms and was cancelled.`, code);
    if (code === '25006') return new DatabaseError('read_only', `PostgreSQL refused a write in a read-only transaction: ${message}`, code);
    if (code === '42501') return new DatabaseError('permission', `PostgreSQL: ${message}`, code);
    if (code && /^(42|22|2B|0A|3F|21|23|44)/.test(code)) return new DatabaseError('invalid_statement', `PostgreSQL error ${code}: ${message}`, code);
    if ((code && /^(08|57P0[1-3])/.test(code)) || /Connection terminated|not queryable/i.test(message)) {
      return new DatabaseError('connection', `The connection to the PostgreSQL server was lost (${code ?? 'connection closed'}).`, code);
    }
    if (!code || /^(28|53|57P|3D)/.test(code) || /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|timeout exceeded when trying to connect/i.test(message)) {
      return new DatabaseError('connection', `Could not reach the PostgreSQL server (${code ?? 'connection error'}).`, code);
    }
    return new DatabaseError('failed', `PostgreSQL error ${code}: ${message}`, code);
  }
}

/** One checked-out client inside one transaction, with cancel-on-abort and a client-side backstop timer. */
class PostgresSession {
  private ended = false;
  private readonly onAbort: () => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly engine: PostgresEngine,
    private readonly limits: CallLimits,
  ) {
    const pid = (client as unknown as { processID?: number }).processID;
    const cancel = () => {
      if (pid !== undefined && !this.ended) void this.engine.cancelBackend(pid);
    };
    this.onAbort = cancel;
    limits.signal.addEventListener('abort', cancel, { once: true });
    this.timer = setTimeout(cancel, limits.timeoutMs + CANCEL_GRACE_MS);
    this.timer.unref();
  }

  /** One `FETCH` of at most `count` rows from `mcp_cursor`, each row cut and charged as it arrives. */
  async fetch(count: number, budget: RowBudget, types?: readonly number[]): Promise<BoundedFetch & { fields: pg.FieldDef[] }> {
    return this.engine.run(
      () =>
        new Promise((resolve, reject) => {
          const fetch: BoundedFetch = new BoundedFetch(`FETCH FORWARD ${Math.max(1, Math.floor(count))} FROM mcp_cursor`, budget, (error, result) =>
            error ? reject(error) : resolve(Object.assign(fetch, { fields: (result as unknown as pg.QueryResult).fields })),
            types,
          );
          this.client.query(fetch);
        }),
      this.limits,
    );
  }

  /** The result columns of `text`, without planning or running it. */
  async describe(text: string): Promise<DescribedColumn[]> {
    return this.engine.run(
      () =>
        new Promise((resolve, reject) => {
          this.client.query(
            new PostgresDescribe(text, (error, result) =>
              error ? reject(error) : resolve(((result as pg.QueryResult | undefined)?.fields ?? []).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }))),
            ),
          );
        }),
      this.limits,
    );
  }

  async query(text: string, values: readonly unknown[], rowMode?: 'array'): Promise<pg.QueryResult> {
    const config = { text, values: values as unknown[], rowMode, queryMode: 'extended' } as pg.QueryConfig;
    return this.engine.run(() => this.client.query(config), this.limits);
  }

  /** Commits or rolls back, then releases the client (destroying it when the rollback failed). */
  async end(commit: boolean): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.limits.signal.removeEventListener('abort', this.onAbort);
    try {
      await this.client.query(commit ? 'COMMIT' : 'ROLLBACK');
      this.client.release();
    } catch (error) {
      this.client.release(true);
      if (commit) throw this.engine.toDatabaseError(error, this.limits);
    }
  }
}
