/** A result column as MySQL/MariaDB describe a prepared statement. */
export interface MysqlDescribedColumn {
  name: string;
  columnType: number;
  /** Longest value the column can hold, bytes (as the server reports it). */
  columnLength: number;
  /** 63 is `binary`: lengths and `LEFT` count bytes. */
  characterSet: number;
}

/** VARCHAR, JSON (MySQL), the BLOB/TEXT family, VAR_STRING and STRING: the types whose cells can be long. */
const LONG_TYPES = new Set([15, 245, 249, 250, 251, 252, 253, 254]);
const BINARY = 63;
export const MYSQL_JSON = 245;
/** "No limit" for LIMIT: keeps the statement's own ORDER BY, which MariaDB drops in a derived table or CTE without a LIMIT. */
const NO_LIMIT = '18446744073709551615';

/**
 * Wraps a read statement so that the server cuts every cell that could exceed `maxCellBytes` to a
 * prefix just longer than that (`LEFT`: characters for text, bytes for binary), so a huge value
 * never crosses the wire; the engine's own cut then marks it. Columns are renamed positionally by
 * a CTE column list (MariaDB has no derived-table column list) so duplicate or odd names cannot
 * break it, then aliased back to their own names, so redaction by name is unchanged.
 *
 * Returns null when no column can exceed the cap, or when the statement starts with `WITH`:
 * MariaDB accepts neither `(WITH …) LIMIT n` nor keeps an ORDER BY in a CTE without a LIMIT, so
 * such a statement runs as is and is cut by the client. `sql` is the already checked statement,
 * without comments or a trailing `;`; the wrapper adds only names and numbers from the describe.
 */
export function capMysqlCells(sql: string, columns: readonly MysqlDescribedColumn[], maxCellBytes: number): string | null {
  if (/^\s*with\b/i.test(sql)) return null;
  let cuts = 0;
  const list = columns.map((column, index) => {
    const ref = `mcp_q.c${index + 1}`;
    const alias = ` AS ${quoteMysqlIdentifier(column.name)}`;
    if (!LONG_TYPES.has(column.columnType) || column.columnLength <= maxCellBytes) return ref + alias;
    cuts++;
    const length = column.characterSet === BINARY ? Math.floor(maxCellBytes / 2) + 1 : Math.floor(maxCellBytes) + 1;
    return `LEFT(${ref}, ${length})${alias}`;
  });
  if (cuts === 0) return null;
  const names = columns.map((_, index) => `c${index + 1}`).join(', ');
  return `WITH mcp_q(${names}) AS ((\n${sql}\n) LIMIT ${NO_LIMIT}) SELECT ${list.join(', ')} FROM mcp_q`;
}

function quoteMysqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
