import pg from 'pg';
import type { RowBudget } from './row-budget';

interface DataRowMessage {
  fields: Array<string | Buffer | null>;
}

interface ResultInternals {
  parseRow(fields: Array<string | Buffer | null>): unknown[];
}

/**
 * A `pg` query (one `FETCH`) that takes each row as it arrives instead of collecting the whole
 * result: raw fields are cut to the budget's cell cap *before* type parsing (a cut JSON or array
 * text stays text), and rows that arrive after the budget is spent are counted and dropped.
 * So a fetch holds at most the budget plus the one row being parsed. pg-protocol reads each row
 * whole, so the engine has the server cut long cells first (see `capPostgresCells`);
 * `columnTypes` (not `types`: pg.Query sends that as the parameter types) gives each column's
 * original type OID, so a column that arrives as cut text is parsed and described as before.
 */
export class BoundedFetch extends pg.Query {
  /** Rows kept. (Not `rows`: pg.Query reads that as the portal's row limit.) */
  readonly kept: unknown[][] = [];
  readonly cut: Array<[number, number]> = [];
  /** Rows the server sent, kept or not. */
  received = 0;
  /** Rows that arrived after the budget was spent. */
  dropped = 0;
  /** Raw size of the largest row seen, bytes: sizes the next fetch. */
  largestRow = 0;

  constructor(
    text: string,
    private readonly budget: RowBudget,
    callback: (error: Error | undefined, result: unknown) => void,
    private readonly columnTypes?: readonly number[],
  ) {
    super({ text, rowMode: 'array', queryMode: 'extended' } as pg.QueryConfig, callback as never);
  }

  handleRowDescription(message: { fields: Array<{ dataTypeID: number }> }): void {
    if (this.columnTypes) message.fields.forEach((field, index) => (field.dataTypeID = this.columnTypes?.[index] ?? field.dataTypeID));
    (pg.Query.prototype as unknown as { handleRowDescription(message: unknown): void }).handleRowDescription.call(this, message);
  }

  handleDataRow(message: DataRowMessage): void {
    this.received++;
    let size = 0;
    for (const field of message.fields) size += field?.length ?? 0;
    this.largestRow = Math.max(this.largestRow, size);
    if (this.budget.spent) {
      this.dropped++;
      return;
    }
    const taken = this.budget.take(message.fields);
    const result = (this as unknown as { _result: ResultInternals })._result;
    // Parse only the cells that are whole; a cut one keeps its raw text.
    const parsed = result.parseRow(taken.row.map((value, column) => (taken.cut.includes(column) ? null : (value as string | Buffer | null))));
    for (const column of taken.cut) parsed[column] = taken.row[column];
    for (const column of taken.cut) this.cut.push([this.kept.length, column]);
    this.kept.push(parsed);
  }
}
