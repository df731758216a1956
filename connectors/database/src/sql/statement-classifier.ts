import { Parser } from 'node-sql-parser';
import type { EngineKind } from '../config';
import { beforeParenthesis, identifier } from './ast-identifier';
import { analyzeColumnFlow } from './column-flow';
import { isAllowedFunction } from './function-allowlist';
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
  /** Lower-case names of columns used other than passed to the result under their own name (for the redaction policy, see `ColumnFlow`). */
  computedColumns: string[];
  /** Why some values cannot be traced to a column name (`*` through a renaming, whole-row references); empty when all can. */
  untraceable: string[];
  /**
   * Lower-case names `f` of qualified references `x.f`. On PostgreSQL `x.f` may call the function
   * `f(x)` on the row (attribute notation), so the source checks them against the functions that
   * take a row (see `DatabaseSource.classify`).
   */
  qualifiedNames: string[];
}

/** The statement is not allowed; `reason` is safe to show the model. */
export class StatementRejectedError extends Error {
  override readonly name = 'StatementRejectedError';
}

export const MAX_STATEMENT_LENGTH = 100_000;

/**
 * Most words (identifiers and keywords) a statement may have. Parsing and the checks after it run
 * on the connector's event loop (the hub's, in the embedded mode): 4,000 words take ~0.3 s,
 * 49,000 took 2.9 s (measured). Longer statements are refused before parsing.
 */
export const MAX_STATEMENT_WORDS = 4_000;

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
 * Words that may stand before `(` without being a function call: keywords (`IN (`, `AS (`,
 * `OVER (`) and type names (`varchar(10)`). The scan checks every other word before `(`
 * against the function allowlist, so a call the parser missed or represented some other way
 * is still refused.
 */
const CALL_LIKE_KEYWORDS = new Set([
  'select', 'with', 'as', 'from', 'where', 'having', 'on', 'using', 'in', 'exists', 'any', 'all', 'some', 'and', 'or', 'not',
  'xor', 'when', 'then', 'else', 'case', 'by', 'union', 'intersect', 'except', 'minus', 'join', 'lateral', 'over', 'filter',
  'group', 'values', 'row', 'array', 'is', 'like', 'ilike', 'similar', 'to', 'between', 'distinct', 'limit', 'offset',
  'escape', 'regexp', 'rlike', 'glob', 'div', 'mod', 'cast', 'extract', 'trim', 'substring', 'position', 'convert',
  'interval', 'match', 'against', 'tablesample', 'repeatable', 'zone', 'returning', 'collate', 'set',
  'varchar', 'char', 'character', 'varying', 'nvarchar', 'nchar', 'numeric', 'decimal', 'dec', 'float', 'double', 'bit',
  'varbit', 'time', 'timestamp', 'datetime', 'binary', 'varbinary', 'int', 'integer', 'tinyint', 'smallint', 'mediumint',
  'bigint', 'year', 'text', 'precision', 'signed', 'unsigned',
]);

/** PostgreSQL functions written without parentheses, which the parser reads as column names; each shows a server or session name. */
const POSTGRES_BARE_FUNCTIONS = new Set(['current_catalog', 'current_role', 'current_schema', 'current_user', 'session_user', 'system_user', 'user']);

/** PostgreSQL casts that look objects up in the catalogs (`'pg_authid'::regclass` tells whether a table exists). */
const CATALOG_LOOKUP_TYPE = /^reg(?!config$)/i;

/** Parser node types that are statements other than SELECT (a nested one means a write or a command). */
const NON_SELECT_STATEMENT_TYPES = new Set([
  'insert', 'update', 'delete', 'replace', 'create', 'drop', 'alter', 'truncate', 'rename', 'use', 'show',
  'explain', 'set', 'lock', 'unlock', 'call', 'grant', 'revoke', 'transaction', 'load_data', 'attach', 'declare',
  'exec', 'execute', 'prepare', 'deallocate', 'merge', 'copy', 'do', 'handler', 'kill', 'analyze', 'vacuum', 'pragma',
]);

const parser = new Parser();

/**
 * Decides whether one statement may run, in two independent passes over the same text: a scan
 * that lexes like the server (statement count, executable comments, forbidden words, every
 * word called like a function) and the SQL parser's AST (statement type, nested writes, `INTO`,
 * locking reads, every function call checked against the engine's allowlist, variables,
 * tables, how columns reach the result). Anything the parser cannot read is refused: failing closed.
 * @throws StatementRejectedError with a reason the model can act on.
 */
export function classifyStatement(sql: string, engine: EngineKind, purpose: StatementPurpose): ClassifiedStatement {
  try {
    return classify(sql, engine, purpose);
  } catch (error) {
    // The parser and the walks over its tree recurse: a deep enough statement exhausts the stack.
    if (error instanceof RangeError) throw new StatementRejectedError('The statement is nested too deeply to be checked, so it is refused.');
    throw error;
  }
}

function classify(sql: string, engine: EngineKind, purpose: StatementPurpose): ClassifiedStatement {
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
  if (scanned.words.length > MAX_STATEMENT_WORDS) {
    throw new StatementRejectedError(`The statement has more than ${MAX_STATEMENT_WORDS} words; split it, or pass long value lists as params.`);
  }

  const first = scanned.words[0]?.word;
  if (purpose === 'read' && (!first || !READ_FIRST_WORDS.has(first))) {
    throw new StatementRejectedError('Only SELECT statements (optionally with WITH) are allowed here.');
  }
  for (const { word } of scanned.words) {
    if ((purpose === 'read' ? READ_DENIED_WORDS : ALWAYS_DENIED_WORDS).has(word)) {
      throw new StatementRejectedError(`The keyword ${word.toUpperCase()} is not allowed here${purpose === 'read' ? ' (read-only query); if it is a column name, quote it' : ''}.`);
    }
  }

  let ast: unknown;
  try {
    ast = parser.astify(scanned.parseText, { database: DIALECT[engine] });
  } catch (error) {
    if (error instanceof RangeError) throw error;
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
  const declaredNames = new Set<string>();
  const qualifiedNames = new Set<string>();
  walk(root, (node, parentKey) => {
    const type = typeof node['type'] === 'string' ? (node['type'] as string).toLowerCase() : undefined;
    // Statement nodes carry lower-case types; upper-case ones are modifiers (ORDER BY … DESC).
    if (node !== root && type && node['type'] === type && NON_SELECT_STATEMENT_TYPES.has(type) && (purpose === 'read' || !WRITE_TYPES.has(type))) {
      throw new StatementRejectedError(`A nested ${type.toUpperCase()} is not allowed here.`);
    }
    if (type === 'select') checkSelect(node, purpose);
    if (type === 'function' || type === 'aggr_func' || type === 'window_func' || 'args' in node) checkCall(node, engine);
    // PostgreSQL dollar-quoted strings are `var` nodes too (prefix `$$`, `$tag$`).
    if (type === 'var' && !/^\$\w*\$$/.test(String(node['prefix']))) throw new StatementRejectedError('Variables (@name, @@name) are not allowed; pass values through params.');
    if (type === 'cast' && engine === 'postgres') checkCast(node);
    if (type === 'column_ref' && engine === 'postgres' && node['table'] == null) checkBareFunction(node);
    if (type === 'column_ref' && node['table'] != null) {
      const name = identifier(node['column']);
      if (name) qualifiedNames.add(name.toLowerCase());
    }
    if (parentKey === 'with' && node['name']) {
      const name = identifier(node['name']);
      if (name) cteNames.add(name.toLowerCase());
    }
    if (parentKey === 'from' && node['as']) {
      const alias = typeof node['as'] === 'string' ? node['as'] : identifier(node['as']);
      if (alias) declaredNames.add(beforeParenthesis(alias).trim().toLowerCase());
    }
  });
  if (purpose === 'read') {
    for (const { word, call } of scanned.words) {
      if (call && !CALL_LIKE_KEYWORDS.has(word) && !cteNames.has(word) && !declaredNames.has(word) && !isAllowedFunction(engine, word)) {
        throw new StatementRejectedError(`The function ${word}() is not allowed: only built-in functions that compute on their arguments may be called.`);
      }
    }
  }
  const flow = analyzeColumnFlow(root, engine);

  const tables: TableReference[] = [];
  for (const entry of safeTableList(scanned.parseText, engine)) {
    const [, schema, name] = entry.split('::');
    if (!name) continue;
    const qualified = schema && schema !== 'null' ? schema : null;
    if (!qualified && cteNames.has(name.toLowerCase())) continue;
    if (!tables.some((t) => t.schema === qualified && t.name === name)) tables.push({ schema: qualified, name });
  }
  return { text: scanned.text, statementType, tables, computedColumns: flow.computed, untraceable: flow.untraceable, qualifiedNames: [...qualifiedNames] };
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

/** Refuses a call of anything outside the engine's function allowlist, and a call it cannot name. */
function checkCall(node: Record<string, unknown>, engine: EngineKind): void {
  // Special forms such as EXTRACT(… FROM …) carry `args` and their name as the node type.
  const { name, qualifier } = node['name'] === undefined && typeof node['type'] === 'string' ? { name: node['type'], qualifier: undefined } : calledFunction(node['name']);
  if (!name) throw new StatementRejectedError('The statement calls a function the classifier cannot name, so it is refused.');
  if (!isAllowedFunction(engine, name, qualifier)) {
    const shown = `${qualifier ? `${qualifier}.` : ''}${name}`;
    throw new StatementRejectedError(`The function ${shown}() is not allowed: only built-in functions that compute on their arguments may be called.`);
  }
}

function calledFunction(raw: unknown): { name?: string; qualifier?: string } {
  if (typeof raw === 'string') return { name: raw };
  if (!raw || typeof raw !== 'object') return {};
  const parts = (raw as { name?: unknown }).name;
  if (!Array.isArray(parts)) return { name: identifier(raw) };
  const names = parts.map((part: unknown) => identifier(part));
  const qualifiers = [identifier((raw as { schema?: unknown }).schema), ...names.slice(0, -1)].filter((q): q is string => Boolean(q));
  return { name: names.at(-1), qualifier: qualifiers.length > 0 ? qualifiers.join('.') : undefined };
}

function checkBareFunction(node: Record<string, unknown>): void {
  const column = node['column'] as { expr?: { type?: unknown; value?: unknown } } | string;
  // Quoted, "user" is a column; bare, it is the function.
  const bare = typeof column === 'string' ? column : column.expr?.type === 'default' ? column.expr.value : undefined;
  if (typeof bare === 'string' && POSTGRES_BARE_FUNCTIONS.has(bare.toLowerCase())) {
    throw new StatementRejectedError(`${bare} is not allowed: it shows server or session state.`);
  }
}

function checkCast(node: Record<string, unknown>): void {
  for (const target of Array.isArray(node['target']) ? node['target'] : [node['target']]) {
    const dataType = String((target as { dataType?: unknown } | undefined)?.dataType ?? '');
    if (CATALOG_LOOKUP_TYPE.test(dataType)) throw new StatementRejectedError(`Casts to ${dataType.toLowerCase()} look up system catalogs and are not allowed.`);
  }
}

function safeTableList(text: string, engine: EngineKind): string[] {
  try {
    return parser.tableList(text, { database: DIALECT[engine] });
  } catch {
    throw new StatementRejectedError('The statement could not be parsed, so it is refused.');
  }
}

