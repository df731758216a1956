import type { Logger } from 'pino';
import type { SourceConfig } from './config';
import type { CallLimits, Catalog, CatalogTable, ColumnInfo, Engine, SqlValue, WriteResult } from './engines/engine';
import { MAX_CELL_BYTES, SYSTEM_SCHEMAS } from './engines/engine';
import { classifyStatement, type ClassifiedStatement, type StatementPurpose } from './sql/statement-classifier';
import { collectRows, REDACTED, toCell, type CellBatch, type CollectedRows } from './query-result';
import { clientName } from './client-name';

/** A statement touches something the source's policy hides (system catalogs, tables outside the allowlist, redacted columns). */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
}

/** Rows of one read-only statement, redacted and cleaned, in batches: the streamable query path (run_query, later exports). */
export interface QueryStream {
  readonly statement: ClassifiedStatement;
  /** Result columns, with the redaction applied; filled in by the first {@link read}. */
  readonly columns: ColumnInfo[];
  read(count: number): Promise<CellBatch>;
  close(): Promise<void>;
}

export interface QueryResult extends CollectedRows {
  statement: ClassifiedStatement;
  columns: ColumnInfo[];
  redactedColumns: string[];
}

const CATALOG_TTL_MS = 30_000;

/**
 * SQLite's own tables and eponymous virtual tables: the schema, table-valued pragmas
 * (`pragma_database_list` shows the file path, `pragma_table_info('x')` any table's columns)
 * and page statistics.
 */
const SQLITE_INTERNAL_TABLE = /^(sqlite_|pragma_|dbstat$)/;

/**
 * One configured database: its engine plus the policy every tool goes through (statement
 * classification, schema/table allowlists, column redaction, caps, timeout).
 */
export class DatabaseSource {
  /** Privilege problems found at start (a read-only source whose role can write), shown by list_sources. */
  warnings: string[] = [];
  private catalogCache?: { at: number; catalog: Catalog };
  private readonly redact: RegExp[];
  private readonly allowedSchemas?: Set<string>;
  private readonly allowedTables?: string[];
  /** PostgreSQL: functions `x.f` would call on a row (attribute notation); empty elsewhere. */
  private rowFunctions = new Set<string>();

  constructor(
    readonly config: SourceConfig,
    readonly engine: Engine,
  ) {
    this.redact = (config.redactColumns ?? []).map((pattern) => new RegExp(pattern, 'i'));
    this.allowedSchemas = config.allowedSchemas && new Set(config.allowedSchemas.map((s) => s.toLowerCase()));
    this.allowedTables = config.allowedTables?.map((t) => t.toLowerCase());
  }

  get name(): string {
    return this.config.name;
  }

  get readOnly(): boolean {
    return this.config.mode === 'read-only';
  }

  /** Connects and, for a read-only source, warns when the database role could write anyway. */
  async start(logger: Logger): Promise<void> {
    await this.engine.connect();
    if (this.engine.rowFunctionNames) this.rowFunctions = await this.engine.rowFunctionNames();
    const firstAllowed = this.config.allowedSchemas?.[0];
    if (firstAllowed && !this.schemaVisible(this.engine.defaultSchema)) this.engine.preferSchema(firstAllowed);
    if (!this.readOnly) return;
    this.warnings = await this.engine.privilegeWarnings().catch(() => []);
    if (this.warnings.length > 0) {
      logger.warn(
        { source: this.name, warnings: this.warnings },
        'read-only source connects with a role that can write; grant it only SELECT (see the database connector README)',
      );
    }
  }

  /**
   * Classifies a statement and applies the table and redaction policy. Redaction masks result
   * columns by name, so on a source with `redactColumns` a redacted column may reach the result
   * only under its own name (plain references, through CTEs and subqueries that do not rename
   * it); any other use (renamed, computed on, filtered, joined, sorted, grouped, in a set
   * operation) is refused, and so is any value that cannot be traced to a column name (`*`
   * through a renaming or a set operation, whole-row references) when the statement reads a table.
   */
  classify(sql: string, purpose: StatementPurpose): ClassifiedStatement {
    const statement = classifyStatement(sql, this.config.engine, purpose);
    for (const table of statement.tables) this.checkTable(table.schema, table.name);
    const rowCall = statement.qualifiedNames.find((name) => this.rowFunctions.has(name));
    if (rowCall) {
      throw new PolicyError(
        `x.${rowCall} is refused: on PostgreSQL it can call the function ${rowCall}() on a whole row. Select the table's own columns by name.`,
      );
    }
    if (this.redact.length === 0) return statement;
    const column = statement.computedColumns.find((c) => this.isRedacted(c));
    if (column) {
      throw new PolicyError(
        `The column ${column} is redacted on this source: select it as is (SELECT ${column} …, also through CTEs and subqueries), never renamed, computed on, filtered, joined, sorted, grouped or in a UNION.`,
      );
    }
    if (statement.tables.length > 0 && statement.untraceable.length > 0) {
      throw new PolicyError(
        `This source redacts columns, and ${statement.untraceable[0]} hides which columns reach the result. Select explicit columns (no *, whole-row values, column alias lists, NATURAL JOIN or set operations over *).`,
      );
    }
    return statement;
  }

  /**
   * Opens the streamable read path for one statement. Always close the stream. `maxBytes`: where
   * the cursor stops, default the source's `maxBytes` (an export passes its own, larger cap).
   */
  async openQuery(sql: string, params: readonly SqlValue[], limits: CallLimits, maxBytes = this.config.maxBytes): Promise<QueryStream> {
    const statement = this.classify(sql, 'read');
    return this.streamClassified(statement, params, limits, maxBytes);
  }

  async streamClassified(statement: ClassifiedStatement, params: readonly SqlValue[], limits: CallLimits, maxBytes = this.config.maxBytes): Promise<QueryStream> {
    const cursor = await this.engine.openReadCursor(statement.text, params, this.bound(limits), { maxCellBytes: MAX_CELL_BYTES, maxBytes });
    let mask: boolean[] | undefined;
    const source = this;
    return {
      statement,
      get columns() {
        return cursor.columns;
      },
      async read(count) {
        const batch = await cursor.read(count);
        mask ??= cursor.columns.map((c) => source.isRedacted(c.name));
        return { ...batch, rows: batch.rows.map((row) => row.map((value, i) => (mask![i] && value !== null ? REDACTED : toCell(value)))) };
      },
      close: () => cursor.close(),
    };
  }

  /** Runs one read-only statement and collects its rows within the caps. */
  async runQuery(sql: string, params: readonly SqlValue[], maxRows: number, limits: CallLimits): Promise<QueryResult> {
    return this.collect(this.classify(sql, 'read'), params, maxRows, limits);
  }

  async collect(statement: ClassifiedStatement, params: readonly SqlValue[], maxRows: number, limits: CallLimits): Promise<QueryResult> {
    const stream = await this.streamClassified(statement, params, limits);
    try {
      const collected = await collectRows(stream, Math.min(maxRows, this.config.maxRows), this.config.maxBytes);
      const columns = stream.columns;
      return { ...collected, statement, columns, redactedColumns: columns.filter((c) => this.isRedacted(c.name)).map((c) => c.name) };
    } finally {
      await stream.close();
    }
  }

  async explain(sql: string, params: readonly SqlValue[], limits: CallLimits): Promise<{ statement: ClassifiedStatement; plan: unknown }> {
    const statement = this.classify(sql, 'read');
    return { statement, plan: await this.engine.explain(statement.text, params, this.bound(limits)) };
  }

  /** Runs a writing statement. The caller checked that the source is read-write. */
  async execute(statement: ClassifiedStatement, params: readonly SqlValue[], limits: CallLimits): Promise<WriteResult> {
    if (this.readOnly) throw new PolicyError(`The source ${this.name} is read-only.`);
    const result = await this.engine.execute(statement.text, params, this.bound(limits));
    this.catalogCache = undefined;
    return result;
  }

  /** The catalog restricted to what the policy lets the tools see. Cached for 30 s. */
  async catalog(limits: CallLimits): Promise<Catalog> {
    if (!this.catalogCache || Date.now() - this.catalogCache.at > CATALOG_TTL_MS) {
      this.catalogCache = { at: Date.now(), catalog: await this.engine.loadCatalog(this.bound(limits)) };
    }
    const { schemas, tables } = this.catalogCache.catalog;
    return {
      schemas: schemas.filter((s) => this.schemaVisible(s)),
      tables: tables.filter((t) => this.tableVisible(t.schema, t.name)),
    };
  }

  /** Finds a table by `name` or `schema.name` (unqualified: the default schema first, then any visible schema). */
  async findTable(reference: string, limits: CallLimits): Promise<CatalogTable | undefined> {
    const { tables } = await this.catalog(limits);
    const dot = reference.indexOf('.');
    if (dot > 0) {
      const schema = reference.slice(0, dot);
      const name = reference.slice(dot + 1);
      return tables.find((t) => t.schema === schema && t.name === name);
    }
    return tables.find((t) => t.schema === this.engine.defaultSchema && t.name === reference) ?? tables.find((t) => t.name === reference);
  }

  isRedacted(column: string): boolean {
    return this.redact.some((pattern) => pattern.test(column));
  }

  private checkTable(schema: string | null, name: string): void {
    const resolved = schema ?? this.engine.defaultSchema;
    const lowerSchema = resolved.toLowerCase();
    const lowerName = name.toLowerCase();
    const engine = this.config.engine;
    const system =
      SYSTEM_SCHEMAS[engine].has(lowerSchema) ||
      (engine === 'postgres' && schema === null && lowerName.startsWith('pg_')) ||
      (engine === 'sqlite' && SQLITE_INTERNAL_TABLE.test(lowerName));
    if (system) throw new PolicyError(`System catalog ${schema ? `${schema}.` : ''}${name} cannot be queried; use ${clientName('search_objects')} or the database:// schema resources.`);
    if (!this.tableVisible(resolved, name)) throw new PolicyError(`The table ${schema ? `${schema}.` : ''}${name} is not allowed on source ${this.name}.`);
  }

  private schemaVisible(schema: string): boolean {
    return !this.allowedSchemas || this.allowedSchemas.has(schema.toLowerCase());
  }

  private tableVisible(schema: string, name: string): boolean {
    if (!this.schemaVisible(schema)) return false;
    if (!this.allowedTables) return true;
    const lowerName = name.toLowerCase();
    const qualified = `${schema.toLowerCase()}.${lowerName}`;
    const isDefault = schema.toLowerCase() === this.engine.defaultSchema.toLowerCase();
    return this.allowedTables.some((t) => t === qualified || (t === lowerName && isDefault));
  }

  /** The call's timeout: the source's statement timeout, shortened to fit the call's deadline. */
  private bound(limits: CallLimits): CallLimits {
    return { signal: limits.signal, timeoutMs: Math.max(100, Math.min(this.config.statementTimeoutMs, limits.timeoutMs)) };
  }
}
