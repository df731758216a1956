import type { DescribedColumn } from './postgres-describe';

/** What the engine knows of a result column's type, from `pg_type`. */
export interface PostgresTypeInfo {
  /** `typlen`: positive for fixed-size types, -1 for varlena, -2 for C strings. */
  length: number;
}

const BYTEA = 17;
const BPCHAR = 1042;
/** Variable-length types whose text is bounded well enough (numeric: at most ~147k digits; addresses). */
const BOUNDED_VARLENA = new Set([1700, 869, 650]);

/** A read statement rewritten so the server cuts its long cells, and the type each column is parsed as. */
export interface CappedStatement {
  text: string;
  /** The original type OID of each result column: cut columns arrive as text and are parsed as before. */
  types: number[];
}

/**
 * Wraps a read statement so that PostgreSQL itself cuts every cell that could exceed
 * `maxCellBytes` to a prefix just longer than that: the engine's own cut then marks it, and a
 * huge value never crosses the wire. Text-like and unknown variable-length types are cut on their
 * text output (`left(c::text, n)`, the same text the server would send), bytea on its bytes,
 * bpchar keeps its padding unless cut. Columns are renamed positionally (`AS q(c1, …)`) so
 * duplicate or odd names cannot break the wrapper, then aliased back to their own names, so
 * redaction by name is unchanged. Returns null when no column needs a cut (the statement runs
 * as is). The wrapper is built only from the described columns; `sql` is the already checked
 * statement, without comments or a trailing `;`.
 */
export function capPostgresCells(sql: string, columns: readonly DescribedColumn[], types: ReadonlyMap<number, PostgresTypeInfo>, maxCellBytes: number): CappedStatement | null {
  let cuts = 0;
  const chars = Math.floor(maxCellBytes) + 1;
  const bytes = Math.floor(maxCellBytes / 2) + 1;
  const list = columns.map((column, index) => {
    const ref = `mcp_q.c${index + 1}`;
    const alias = ` AS ${quoteIdentifier(column.name)}`;
    const length = types.get(column.dataTypeID)?.length ?? -1;
    if (length > 0 || BOUNDED_VARLENA.has(column.dataTypeID)) return ref + alias;
    cuts++;
    if (column.dataTypeID === BYTEA) return `substring(${ref} FROM 1 FOR ${bytes})${alias}`;
    // bpchar -> text drops trailing blanks; only a value that is cut loses them.
    if (column.dataTypeID === BPCHAR) return `CASE WHEN octet_length(${ref}) > ${Math.floor(maxCellBytes)} THEN left(${ref}::text, ${chars})::bpchar ELSE ${ref} END${alias}`;
    return `left(${ref}::text, ${chars})${alias}`;
  });
  if (cuts === 0) return null;
  const names = columns.map((_, index) => `c${index + 1}`).join(', ');
  return { text: `SELECT ${list.join(', ')} FROM (\n${sql}\n) AS mcp_q(${names})`, types: columns.map((c) => c.dataTypeID) };
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
