import { Parser } from 'node-sql-parser';
import type { EngineKind } from '../config';
import { scanSql, SqlScanError } from './sql-scanner';

/** What a statement may do: `read` for run_query / explain_query, `write` for execute_statement and writing custom tools. */
export type StatementPurpose = 'read' | 'write';

export interface TableReference {
  /** Schema (PostgreSQL), database (MySQL) or attached database (SQLite) as written; null when unqualified. */
  schema: string | null;
  name: string;
}

export interface ClassifiedStatement {
  /** The statement without comments or trailing `;`: exactly what the engine executes. */
  text: string;
  /** Lower-case statement type from the parser: `select`, `insert`, `update`, `delete`, `create`, … */
  statementType: string;
  tables: TableReference[];
  /** Lower-case name of every column reference, once per occurrence (for the redaction policy). */
  columns: string[];
  /** The references among {@link columns} that are plain top-level projections (`SELECT email`), which output redaction covers. */
  projectedColumns: string[];
}

/** The statement is not allowed; `reason` is safe to show the model. */
export class StatementRejectedError extends Error {
  override readonly name = 'StatementRejectedError';
}

export const MAX_STATEMENT_LENGTH = 100_000;

const DIALECT: Record<EngineKind, string> = { postgres: 'PostgresQL', mysql: 'MariaDB', sqlite: 'Sqlite' };

/** Words that never appear in a read-only statement, checked on the server-faithful scan. */
const READ_DENIED_WORDS = new Set([
  'insert', 'update', 'delete', 'merge', 'truncate', 'drop', 'alter', 'create', 'grant', 'revoke',
  'copy', 'into', 'outfile', 'dumpfile', 'infile', 'attach', 'detach', 'pragma', 'vacuum', 'commit', 'rollback',
  'savepoint', 'lock', 'execute', 'prepare', 'deallocate',
]);
/** Words that never appear in any statement the connector runs, whatever the mode. */
const ALWAYS_DENIED_WORDS = new Set(['outfile', 'dumpfile', 'infile', 'attach', 'detach', 'pragma', 'program', 'commit', 'rollback', 'savepoint']);
const READ_FIRST_WORDS = new Set(['select', 'with']);
const WRITE_TYPES = new Set(['insert', 'update', 'delete', 'replace', 'select', 'create', 'alter', 'drop', 'truncate', 'rename']);

/**
 * Functions refused in every statement: they sleep, lock, read or write server files, reach
 * other servers, change settings, run SQL from a string (escaping the table policy) or show
 * other sessions.
 */
const DENIED_FUNCTIONS = new Set([
  'sleep', 'benchmark', 'load_file', 'get_lock', 'release_lock', 'release_all_locks', 'is_free_lock', 'is_used_lock',
  'master_pos_wait', 'master_gtid_wait', 'source_pos_wait', 'sys_exec', 'sys_eval', 'load_extension', 'readfile',
  'writefile', 'edit', 'fts3_tokenizer', 'set_config', 'nextval', 'setval', 'currval', 'lastval', 'txid_current',
  'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema', 'cursor_to_xml', 'cursor_to_xmlschema',
]);
const DENIED_FUNCTION_PREFIXES = ['pg_', 'lo_', 'dblink', 'table_to_xml', 'schema_to_xml', 'database_to_xml'];
const ALLOWED_PG_FUNCTIONS = new Set(['pg_typeof', 'pg_size_pretty', 'pg_column_size']);

/** Parser node types that are statements other than SELECT (a nested one means a write or a command). */
const NON_SELECT_STATEMENT_TYPES = new Set([
  'insert', 'update', 'delete', 'replace', 'create', 'drop', 'alter', 'truncate', 'rename', 'use', 'show',
  'explain', 'set', 'lock', 'unlock', 'call', 'grant', 'revoke', 'transaction', 'load_data', 'attach', 'declare',
  'exec', 'execute', 'prepare', 'deallocate', 'merge', 'copy', 'do', 'handler', 'kill', 'analyze', 'vacuum', 'pragma',
]);

export function isDeniedFunction(name: string): boolean {
  const lower = name.toLowerCase();
  if (DENIED_FUNCTIONS.has(lower)) return true;
  if (ALLOWED_PG_FUNCTIONS.has(lower)) return false;
  return DENIED_FUNCTION_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

const parser = new Parser();

/**
 * Decides whether one statement may run, in two independent passes over the same text: a scan
 * that lexes like the server (statement count, executable comments, forbidden words and
 * function calls) and the SQL parser's AST (statement type, nested writes, `INTO`, locking
 * reads, functions, tables). Anything the parser cannot read is refused: failing closed.
 * @throws StatementRejectedError with a reason the model can act on.
 */
export function classifyStatement(sql: string, engine: EngineKind, purpose: StatementPurpose): ClassifiedStatement {
  if (sql.length > MAX_STATEMENT_LENGTH) throw new StatementRejectedError(`The statement is longer than ${MAX_STATEMENT_LENGTH} characters.`);
  let scanned;
  try {
    scanned = scanSql(sql, engine);
  } catch (error) {
    if (error instanceof SqlScanError) throw new StatementRejectedError(`The statement could not be read: ${error.message}.`);
    throw error;
  }
  if (scanned.executableComment) throw new StatementRejectedError('Executable comments (/*! … */) are not allowed.');
  if (scanned.statements === 0) throw new StatementRejectedError('The statement is empty.');
  if (scanned.statements > 1) throw new StatementRejectedError('Send exactly one statement (no `;` between statements).');

  const first = scanned.words[0]?.word;
  if (purpose === 'read' && (!first || !READ_FIRST_WORDS.has(first))) {
    throw new StatementRejectedError('Only SELECT statements (optionally with WITH) are allowed here.');
  }
  for (const { word, call } of scanned.words) {
    if ((purpose === 'read' ? READ_DENIED_WORDS : ALWAYS_DENIED_WORDS).has(word)) {
      throw new StatementRejectedError(`The keyword ${word.toUpperCase()} is not allowed here${purpose === 'read' ? ' (read-only query); if it is a column name, quote it' : ''}.`);
    }
    if (call && isDeniedFunction(word)) throw new StatementRejectedError(`The function ${word}() is not allowed.`);
  }

  let ast: unknown;
  try {
    ast = parser.astify(scanned.parseText, { database: DIALECT[engine] });
  } catch (error) {
    const detail = String((error as Error).message ?? '').slice(0, 160);
    throw new StatementRejectedError(`The statement could not be parsed, so it is refused (${detail}). Use plain SQL syntax.`);
  }
  const statements = Array.isArray(ast) ? ast : [ast];
  if (statements.length !== 1) throw new StatementRejectedError('Send exactly one statement.');
  const root = statements[0] as Record<string, unknown>;
  const statementType = String(root['type'] ?? 'unknown').toLowerCase();
  if (purpose === 'read' && statementType !== 'select') throw new StatementRejectedError(`Only SELECT is allowed here, not ${statementType.toUpperCase()}.`);
  if (purpose === 'write' && !WRITE_TYPES.has(statementType)) {
    throw new StatementRejectedError(`${statementType.toUpperCase()} statements are not allowed; use INSERT, UPDATE, DELETE or DDL.`);
  }

  const cteNames = new Set<string>();
  const columns: string[] = [];
  walk(root, (node, parentKey) => {
    const type = typeof node['type'] === 'string' ? (node['type'] as string).toLowerCase() : undefined;
    // Statement nodes carry lower-case types; upper-case ones are modifiers (ORDER BY … DESC).
    if (node !== root && type && node['type'] === type && NON_SELECT_STATEMENT_TYPES.has(type) && (purpose === 'read' || !WRITE_TYPES.has(type))) {
      throw new StatementRejectedError(`A nested ${type.toUpperCase()} is not allowed here.`);
    }
    if (type === 'select') checkSelect(node, purpose);
    if (type === 'function' || type === 'aggr_func') {
      const name = functionName(node['name']);
      if (name && isDeniedFunction(name)) throw new StatementRejectedError(`The function ${name}() is not allowed.`);
    }
    if (type === 'column_ref') {
      const column = columnName(node['column']);
      if (column && column !== '*') columns.push(column.toLowerCase());
    }
    if (parentKey === 'with' && node['name']) {
      const name = identifier(node['name']);
      if (name) cteNames.add(name.toLowerCase());
    }
  });

  const tables: TableReference[] = [];
  for (const entry of safeTableList(scanned.parseText, engine)) {
    const [, schema, name] = entry.split('::');
    if (!name) continue;
    const qualified = schema && schema !== 'null' ? schema : null;
    if (!qualified && cteNames.has(name.toLowerCase())) continue;
    if (!tables.some((t) => t.schema === qualified && t.name === name)) tables.push({ schema: qualified, name });
  }
  return { text: scanned.text, statementType, tables, columns, projectedColumns: projected(root) };
}

function checkSelect(node: Record<string, unknown>, purpose: StatementPurpose): void {
  const into = node['into'] as Record<string, unknown> | null | undefined;
  if (into && (into['expr'] || into['keyword'] || into['position'])) {
    throw new StatementRejectedError('SELECT … INTO is not allowed.');
  }
  if (purpose === 'read' && (node['locking_read'] || node['for_update'])) {
    throw new StatementRejectedError('Locking reads (FOR UPDATE / FOR SHARE) are not allowed.');
  }
}

function walk(node: unknown, visit: (node: Record<string, unknown>, parentKey: string | undefined) => void, parentKey?: string): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit, parentKey);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  visit(record, parentKey);
  for (const [key, value] of Object.entries(record)) {
    if (value && typeof value === 'object') walk(value, visit, key);
  }
}

function identifier(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record['value'] === 'string') return record['value'];
    if (record['expr']) return identifier(record['expr']);
  }
  return undefined;
}

function functionName(name: unknown): string | undefined {
  if (typeof name === 'string') return name;
  if (name && typeof name === 'object') {
    const parts = (name as { name?: unknown }).name;
    if (Array.isArray(parts)) {
      const last = parts[parts.length - 1] as unknown;
      return identifier(last);
    }
    return identifier(name);
  }
  return undefined;
}

function columnName(column: unknown): string | undefined {
  return identifier(column);
}

/** Columns selected bare at the top level (`SELECT email` or `SELECT c.email`, without an alias that renames them). */
function projected(root: Record<string, unknown>): string[] {
  const list = root['columns'];
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const item of list as Array<Record<string, unknown>>) {
    const expr = item['expr'] as Record<string, unknown> | undefined;
    if (expr?.['type'] !== 'column_ref') continue;
    const name = columnName(expr['column'])?.toLowerCase();
    const alias = identifier(item['as'])?.toLowerCase();
    if (name && name !== '*' && (!alias || alias === name)) names.push(name);
  }
  return names;
}

function safeTableList(text: string, engine: EngineKind): string[] {
  try {
    return parser.tableList(text, { database: DIALECT[engine] });
  } catch {
    throw new StatementRejectedError('The statement could not be parsed, so it is refused.');
  }
}
