import type { EngineKind } from '../config';
import { beforeParenthesis, identifier } from './ast-identifier';

type AstNode = Record<string, unknown>;

/**
 * How a statement's columns reach its result, for the redaction policy. Redaction masks result
 * columns by name, so a source column is safe only when it reaches the result under its own
 * name: as a plain reference in a select list (`SELECT email`, `SELECT c.email AS email`), through
 * CTEs and subqueries that do not rename it. Every other use can leak its value or a fact about it.
 */
export interface ColumnFlow {
  /** Lower-case names of columns used otherwise: renamed, computed on, filtered, joined, sorted, grouped, or in a set operation. */
  computed: string[];
  /** Why some values cannot be traced to a column name (`*` through a renaming, whole-row references, …); empty when all can. */
  untraceable: string[];
}

/**
 * Walks every part of a parsed statement (CTEs, subqueries, FROM items, conditions, ORDER BY,
 * GROUP BY, windows) and reports each column use that is not a name-preserving projection.
 */
export function analyzeColumnFlow(root: AstNode, engine: EngineKind): ColumnFlow {
  const computed = new Set<string>();
  const untraceable = new Set<string>();
  // PostgreSQL reads a bare table name or alias as the whole row (`SELECT c FROM customers c`).
  const relations = engine === 'postgres' ? relationNames(root) : new Set<string>();

  const columnRef = (node: AstNode): void => {
    const name = identifier(node['column'])?.toLowerCase();
    if (!name) return;
    if (name === '*') untraceable.add('`*` inside an expression, a set operation, DISTINCT or a renamed subquery');
    else if (node['table'] == null && relations.has(name)) untraceable.add(`the whole-row reference ${name}`);
    else computed.add(name);
  };

  const expression = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) expression(item);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const record = node as AstNode;
    if (record['type'] === 'select') return statement(record, false);
    if (isSelect(record['ast'])) return statement(record['ast'] as AstNode, false);
    if (record['type'] === 'column_ref') return columnRef(record);
    for (const [key, value] of Object.entries(record)) {
      if (key === 'loc') continue;
      // count(*) counts rows; its star exposes no column.
      if (key === 'args' && isCountStar(record)) continue;
      expression(value);
    }
  };

  const statement = (node: AstNode, preserving: boolean): void => {
    if (node['type'] !== 'select') return expression(node);
    // In a set operation the first branch names every column, so no branch keeps its own names.
    const setOperation = Boolean(node['_next']);
    for (let branch: AstNode | undefined = node; branch; branch = branch['_next'] as AstNode | undefined) {
      select(branch, preserving && !setOperation);
    }
  };

  const select = (node: AstNode, preservingContext: boolean): void => {
    for (const cte of asArray(node['with'])) {
      const body = (isSelect(cte['stmt']) ? cte['stmt'] : (cte['stmt'] as AstNode | undefined)?.['ast']) as AstNode | undefined;
      // `WITH x(a, b) AS (…)` renames by position.
      if (body) statement(body, asArray(cte['columns']).length === 0);
    }
    const distinct = node['distinct'];
    const isDistinct = typeof distinct === 'string' ? distinct !== '' : Boolean((distinct as AstNode | null)?.['type']);
    const preserving = preservingContext && !isDistinct;
    if (distinct && typeof distinct === 'object') expression((distinct as AstNode)['columns']);

    const items = asArray(node['columns']);
    for (const item of items) {
      const expr = item['expr'] as AstNode | undefined;
      if (preserving && isPlainColumnRef(expr)) {
        const name = identifier(expr['column'])?.toLowerCase();
        const alias = identifier(item['as'])?.toLowerCase();
        if (name === '*') continue;
        if (name && (!alias || alias === name) && !(expr['table'] == null && relations.has(name))) continue;
      }
      expression(expr);
    }

    for (const from of asArray(node['from'])) {
      const alias = typeof from['as'] === 'string' ? from['as'] : identifier(from['as']);
      const expr = from['expr'] as AstNode | undefined;
      const renames = Boolean(alias && alias.includes('('));
      const isFunction = expr?.['type'] === 'function';
      // node-sql-parser reads `a NATURAL JOIN b` as table a aliased NATURAL; the join compares every common column.
      if (alias?.trim().toLowerCase() === 'natural') untraceable.add('a NATURAL JOIN');
      if (renames && !isFunction) untraceable.add(`the column alias list ${alias}`);
      if (expr && isSelect(expr['ast'])) statement(expr['ast'] as AstNode, !renames);
      else if (expr) expression(expr);
      expression(from['on']);
      for (const name of asArray(from['using'])) {
        const column = identifier(name)?.toLowerCase();
        if (column) computed.add(column);
      }
    }

    const groupBy = node['groupby'] as AstNode | AstNode[] | null | undefined;
    const groupItems = Array.isArray(groupBy) ? groupBy : asArray(groupBy?.['columns']);
    const orderItems = asArray(node['orderby']).map((entry) => entry['expr']);
    for (const entry of [...groupItems, ...orderItems]) {
      // `ORDER BY 2` sorts by the second result column.
      const position = (entry as AstNode | undefined)?.['type'] === 'number' ? Number((entry as AstNode)['value']) : NaN;
      const target = items[position - 1]?.['expr'] as AstNode | undefined;
      if (target?.['type'] === 'column_ref') columnRef(target);
    }
    expression([node['where'], node['having'], groupBy, node['orderby'], node['window'], node['limit']]);
  };

  statement(root, true);
  return { computed: [...computed], untraceable: [...untraceable] };
}

function isSelect(value: unknown): boolean {
  return Boolean(value && typeof value === 'object' && (value as AstNode)['type'] === 'select');
}

function isCountStar(node: AstNode): boolean {
  const args = node['args'] as AstNode | undefined;
  return node['type'] === 'aggr_func' && String(node['name']).toLowerCase() === 'count' && (args?.['expr'] as AstNode | undefined)?.['type'] === 'star';
}

function asArray(value: unknown): AstNode[] {
  return Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as AstNode[]) : [];
}

/** Lower-case names of every table, alias and CTE the statement names anywhere. */
function relationNames(root: AstNode): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as AstNode;
    for (const from of asArray(record['from'])) {
      if (typeof from['table'] === 'string') names.add(from['table'].toLowerCase());
      const alias = typeof from['as'] === 'string' ? from['as'] : identifier(from['as']);
      if (alias) names.add(beforeParenthesis(alias).trim().toLowerCase());
    }
    for (const cte of asArray(record['with'])) {
      const name = identifier(cte['name']);
      if (name) names.add(name.toLowerCase());
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'loc') visit(value);
  };
  visit(root);
  return names;
}


/** Keys a bare column reference may carry; anything else (COLLATE, array subscripts, …) changes the value or its name. */
const PLAIN_COLUMN_REF_KEYS = new Set(['type', 'table', 'column', 'db', 'schema']);

/** A column passed through as is: `email` or `c.email`, not `email COLLATE nocase` (which also renames the result column). */
function isPlainColumnRef(expr: AstNode | undefined): expr is AstNode {
  if (expr?.['type'] !== 'column_ref') return false;
  return Object.entries(expr).every(([key, value]) => PLAIN_COLUMN_REF_KEYS.has(key) || value === null || value === undefined);
}
