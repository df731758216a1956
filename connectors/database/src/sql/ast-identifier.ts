/**
 * The name an identifier node of node-sql-parser's AST spells: a plain string, `{ value }`
 * (default, quoted or backticked) or `{ expr: … }`. Undefined when the node is no identifier.
 */
export function identifier(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record['value'] === 'string') return record['value'];
    if (record['expr']) return identifier(record['expr']);
  }
  return undefined;
}

/** An alias without its column list (`c(a, b)` → `c`); indexOf rather than a regex, which would backtrack on `((((`. */
export function beforeParenthesis(alias: string): string {
  const cut = alias.indexOf('(');
  return cut < 0 ? alias : alias.slice(0, cut);
}
