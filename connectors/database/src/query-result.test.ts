import { collectRows, formatTable, toCell, type Cell, type RowSource } from './query-result';

function rowsOf(count: number, width = 1): RowSource & { asked: number[] } {
  let next = 0;
  const asked: number[] = [];
  return {
    asked,
    async read(n) {
      asked.push(n);
      const rows: Cell[][] = [];
      while (rows.length < n && next < count) rows.push(Array.from({ length: width }, () => next++));
      return { rows, cut: [], end: next < count ? 'more' : 'done' };
    },
  };
}

describe('collectRows', () => {
  it.each([
    [0, 10, false],
    [9, 10, false],
    [10, 10, false],
    [11, 10, true],
    [1000, 10, true],
    [1000, 1000, false],
    [1001, 1000, true],
  ])('%i rows with max_rows %i: truncated is %s', async (count, maxRows, truncated) => {
    const result = await collectRows(rowsOf(count), maxRows, 10_000_000);
    expect(result.rows).toHaveLength(Math.min(count, maxRows));
    expect(result.truncated).toBe(truncated);
    if (truncated) expect(result.truncatedBy).toBe('max_rows');
  });

  it('never asks for more than max_rows + 1 rows', async () => {
    const source = rowsOf(5000);
    await collectRows(source, 700, 10_000_000);
    expect(source.asked.reduce((a, b) => a + b, 0)).toBe(701);
  });

  it('stops at the byte cap with whole rows only', async () => {
    const result = await collectRows(rowsOf(1000, 10), 1000, 2000);
    expect(result.truncated).toBe(true);
    expect(result.truncatedBy).toBe('max_bytes');
    expect(Buffer.byteLength(JSON.stringify(result.rows))).toBeLessThanOrEqual(2000);
    expect(result.rows.every((row) => row.length === 10)).toBe(true);
  });
});

describe('toCell', () => {
  it('cleans third-party text and keeps JSON safe', () => {
    expect(toCell('hi\u200b <script>x</script><b>there</b> ![a](http://x/y.png)')).toBe('hi there [image: a]');
    expect(toCell(9007199254740993n)).toBe('9007199254740993');
    expect(toCell(42n)).toBe(42);
    expect(toCell(Buffer.from([1, 255]))).toBe('\\x01ff');
    expect(toCell(new Date('2025-01-02T03:04:05Z'))).toBe('2025-01-02T03:04:05.000Z');
    expect(toCell({ a: ['\u202eb'] })).toEqual({ a: ['b'] });
    expect(toCell(Number.NaN)).toBe('NaN');
  });
});

describe('formatTable', () => {
  it('renders a compact pipe table with NULLs and cut cells', () => {
    const text = formatTable(
      [
        { name: 'id', type: 'int' },
        { name: 'note', type: 'text' },
      ],
      [
        [1, null],
        [2, 'x'.repeat(100)],
        [3, 'a|b\nc'],
      ],
    );
    expect(text.split('\n')).toEqual(['id | note', '1 | NULL', `2 | ${'x'.repeat(59)}…`, '3 | a b c']);
  });
});
