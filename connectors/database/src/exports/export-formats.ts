import type { ColumnInfo } from '../engines/engine';
import type { Cell } from '../query-result';
import type { ExportFormat } from './export-store';

/** Writes rows as text lines of one export format. */
export interface RowWriter {
  /** The header line (CSV), or nothing. */
  header(columns: readonly ColumnInfo[]): string;
  row(columns: readonly ColumnInfo[], row: readonly Cell[]): string;
}

/** A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such cells get a leading `'`. */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(value: Cell): string {
  if (value === null) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV (CRLF line ends, fields quoted when needed), formulas defused. */
const csv: RowWriter = {
  header: (columns) => `${columns.map((c) => csvField(c.name)).join(',')}\r\n`,
  row: (_columns, row) => `${row.map(csvField).join(',')}\r\n`,
};

/** One JSON object per line, keyed by column name (a later column of the same name wins). */
const jsonl: RowWriter = {
  header: () => '',
  row: (columns, row) => `${JSON.stringify(Object.fromEntries(columns.map((c, i) => [c.name, row[i] ?? null])))}\n`,
};

export const ROW_WRITERS: Readonly<Record<ExportFormat, RowWriter>> = { csv, jsonl };
