import { boundCell } from './cell-bound';
import type { ReadBounds, RowBatch } from './engine';

/**
 * The bytes a cursor has returned so far against its {@link ReadBounds}: cuts each cell of a row
 * and charges the row. Engines call {@link take} as each row arrives, so nothing oversize is kept.
 */
export class RowBudget {
  private used = 0;

  constructor(readonly bounds: ReadBounds) {}

  /** True once the rows taken reached `maxBytes`: the cursor returns no further row. */
  get spent(): boolean {
    return this.used >= this.bounds.maxBytes;
  }

  /** The row with its cells cut to `maxCellBytes`, and the columns that were cut. */
  take(row: readonly unknown[]): { row: unknown[]; cut: number[] } {
    const cut: number[] = [];
    const bounded = row.map((value, column) => {
      const cell = boundCell(value, this.bounds.maxCellBytes);
      this.used += cell.bytes + 1;
      if (cell.cut) cut.push(column);
      return cell.value;
    });
    return { row: bounded, cut };
  }

  /** Appends a taken row to a batch, recording its cut cells. */
  static append(batch: RowBatch, taken: { row: unknown[]; cut: number[] }): void {
    for (const column of taken.cut) batch.cut.push([batch.rows.length, column]);
    batch.rows.push(taken.row);
  }
}
