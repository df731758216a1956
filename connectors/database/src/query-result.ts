import { cleanUntrustedText } from '@mcp-hub/connector-kit';
import type { ColumnInfo, RowBatch } from './engines/engine';

/** A JSON-safe cell: scalars, or JSON documents/arrays from the database. */
export type Cell = string | number | boolean | null | Cell[] | { [key: string]: Cell };

export const REDACTED = '[redacted]';
/** Longest string cell kept whole; longer ones are cut with a marker (the byte cap still applies). */
const MAX_CELL_CHARS = 10_000;

/**
 * Turns a driver value into a JSON cell: third-party text is cleaned (invisible and bidi
 * characters, HTML, markdown images), integers beyond 2^53 become strings, binary becomes
 * `\x…` hex, dates keep the server's text.
 */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cleanString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value.subarray(0, MAX_CELL_CHARS / 2)).toString('hex');
    return `\\x${hex}${value.length > MAX_CELL_CHARS / 2 ? '…' : ''}`;
  }
  if (Array.isArray(value)) return value.map(toCell);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [cleanString(k), toCell(v)]));
  }
  return cleanString(String(value));
}

function cleanString(text: string): string {
  const cleaned = cleanUntrustedText(text, { maxChars: MAX_CELL_CHARS });
  return text.length > MAX_CELL_CHARS || cleaned.length > MAX_CELL_CHARS ? `${cleaned.slice(0, MAX_CELL_CHARS)}…[cut]` : cleaned;
}

export interface CollectedRows {
  rows: Cell[][];
  /**
   * True when the result is incomplete: more rows existed than were returned (exact: the cursor
   * was asked for one row beyond the cap), or some cells were cut (`cutCells`).
   */
  truncated: boolean;
  truncatedBy?: 'max_rows' | 'max_bytes';
  /** Cells of the returned rows cut to the per-cell byte cap where they were read. */
  cutCells: number;
  /** JSON size of the returned rows, bytes. */
  bytes: number;
}

/** Rows of one batch, as cells, with the engine's record of which cells it cut and why it stopped. */
export interface CellBatch extends Omit<RowBatch, 'rows'> {
  rows: Cell[][];
}

/** A source of rows in batches (an engine cursor after redaction and cleaning). */
export interface RowSource {
  read(count: number): Promise<CellBatch>;
}

const BATCH = 500;

/**
 * Reads at most `maxRows` rows and `maxBytes` of JSON from `source`. It asks for `maxRows + 1`
 * rows so that `truncated` is exact: true only when a further row really exists. The engine
 * enforces the same byte cap (and a per-cell cap) where rows are produced, so a batch never
 * brings much more than `maxBytes` into this process.
 */
export async function collectRows(source: RowSource, maxRows: number, maxBytes: number): Promise<CollectedRows> {
  const rows: Cell[][] = [];
  let bytes = 2;
  let cutCells = 0;
  const result = (truncatedBy?: 'max_rows' | 'max_bytes'): CollectedRows => ({
    rows,
    truncated: truncatedBy !== undefined || cutCells > 0,
    ...(truncatedBy && { truncatedBy }),
    cutCells,
    bytes,
  });
  for (;;) {
    const want = Math.min(BATCH, maxRows + 1 - rows.length);
    const batch = await source.read(want);
    for (const [index, row] of batch.rows.entries()) {
      if (rows.length === maxRows) return result('max_rows');
      const size = Buffer.byteLength(JSON.stringify(row)) + 1;
      if (bytes + size > maxBytes) return result('max_bytes');
      rows.push(row);
      bytes += size;
      cutCells += batch.cut.filter(([cutRow]) => cutRow === index).length;
    }
    if (batch.end === 'done') return result();
    if (batch.end === 'max_bytes') return result('max_bytes');
  }
}

const TEXT_ROWS = 50;
const TEXT_CELL = 60;

/** A compact pipe table for the model: at most 50 rows, cells cut at 60 characters. */
export function formatTable(columns: ColumnInfo[], rows: Cell[][]): string {
  const render = (cell: Cell) => {
    const text = cell === null ? 'NULL' : typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
    const flat = text.replace(/[\r\n\t|]+/g, ' ');
    return flat.length > TEXT_CELL ? `${flat.slice(0, TEXT_CELL - 1)}…` : flat;
  };
  const lines = [columns.map((c) => c.name).join(' | ')];
  for (const row of rows.slice(0, TEXT_ROWS)) lines.push(row.map(render).join(' | '));
  if (rows.length > TEXT_ROWS) lines.push(`… ${rows.length - TEXT_ROWS} more row(s) in the structured result`);
  return lines.join('\n');
}
