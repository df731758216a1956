import { join } from 'node:path';
import { MAX_CELL_BYTES } from '../src/engines/engine';
import { call, startConnector, structured, tempDir, type CallOutcome, type RunningConnector } from './support';

/** Peak resident set of this process so far, bytes (monotonic: a transient spike counts). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** A string of `8 << doublings` characters built with no function call (the classifier's allowlist does not matter). */
const doubled = (doublings: number) =>
  `WITH RECURSIVE d(i, s) AS (SELECT 0, 'xxxxxxxx' UNION ALL SELECT i + 1, s || s FROM d WHERE i < ${doublings})`;

/** Rows 1..n as `n(x)`, to append to a WITH list. */
const numbers = (n: number) => `n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${n})`;

describe('SQLite caps are enforced in the worker, before rows reach this process', () => {
  const temp = tempDir('mcp-db-sqlite-caps-');
  let connector: RunningConnector;

  beforeAll(async () => {
    connector = await startConnector({
      sources: [{ name: 'demo', engine: 'sqlite', connection: { path: join(temp.dir, 'demo.sqlite'), createDemo: true }, statementTimeoutMs: 20_000 }],
    });
  });
  afterAll(async () => {
    await connector?.stop();
    temp.remove();
  });

  it('101 rows of 5 MiB cells: peak memory stays a small fraction of the payload, and the result says it was cut', async () => {
    // 8 << 19 = 4 MiB characters per cell, 101 rows: 424 MiB produced by the database.
    const payload = 101 * (8 << 19);
    const small = await structured(connector.harness, 'run_query', { sql: `${doubled(0)}, ${numbers(101)} SELECT x, s FROM n, d WHERE i = 0`, max_rows: 100 });
    expect(small).toEqual(expect.objectContaining({ rowCount: 100, truncated: true, truncatedBy: 'max_rows', cutCells: 0 }));
    const before = peakRss();
    const big = await structured(connector.harness, 'run_query', { sql: `${doubled(19)}, ${numbers(101)} SELECT x, s FROM n, d WHERE i = 19`, max_rows: 100 });
    const growth = peakRss() - before;
    expect(big['truncated']).toBe(true);
    expect(big['truncatedBy']).toBe('max_bytes');
    expect(big['cutCells']).toBe(big['rowCount']);
    expect(big['hint']).toMatch(/cut/);
    // Before the fix the whole batch crossed into this process (growth ≈ the payload).
    expect(growth).toBeLessThan(payload / 20);
  });

  it('one 64 MiB cell is cut inside the worker: this process never holds it', async () => {
    const payload = 8 << 23;
    const before = peakRss();
    const result = await structured(connector.harness, 'run_query', { sql: `${doubled(23)} SELECT s FROM d WHERE i = 23` });
    const growth = peakRss() - before;
    expect(result).toEqual(expect.objectContaining({ rowCount: 1, truncated: true, cutCells: 1 }));
    expect((result['rows'][0][0] as string).length).toBeLessThanOrEqual(MAX_CELL_BYTES);
    expect(growth).toBeLessThan(payload / 4);
  });

  it('the engine cuts binary and text cells and stops at the byte bound, with exact truncation', async () => {
    const engine = connector.deps.sources.get('demo')!.engine;
    const limits = { timeoutMs: 10_000, signal: new AbortController().signal };
    const cursor = await engine.openReadCursor(`SELECT x, randomblob(5000000) AS b, printf('%.*c', 1000000, 'y') AS t FROM (${`WITH RECURSIVE ${numbers(101)} SELECT x FROM n`})`, [], limits, {
      maxCellBytes: 1000,
      maxBytes: 10_000,
    });
    try {
      const batch = await cursor.read(500);
      expect(batch.end).toBe('max_bytes');
      // Each row costs about 1 KB (hex blob) + 1 KB (text): the cursor stops after the row crossing 10 KB.
      expect(batch.rows.length).toBeGreaterThanOrEqual(4);
      expect(batch.rows.length).toBeLessThanOrEqual(6);
      for (const [, blob, text] of batch.rows) {
        expect((blob as Uint8Array).length).toBe(500);
        expect(text).toBe('y'.repeat(1000));
      }
      expect(batch.cut).toHaveLength(batch.rows.length * 2);
      expect((await cursor.read(500)).rows).toEqual([]);
    } finally {
      await cursor.close();
    }
    // The first row spends a 1-byte bound: whether the cursor says `max_bytes` depends on a row following it.
    for (const [sql, end] of [
      ['SELECT 1 AS a UNION ALL SELECT 2', 'max_bytes'],
      ['SELECT 1 AS a', 'done'],
    ] as const) {
      const exact = await engine.openReadCursor(sql, [], limits, { maxCellBytes: 1000, maxBytes: 1 });
      try {
        expect(await exact.read(10)).toEqual({ rows: [[1]], cut: [], end });
      } finally {
        await exact.close();
      }
    }
  });
});

describe('SQLite worker pool and bounded wait line', () => {
  const temp = tempDir('mcp-db-sqlite-pool-');
  let connector: RunningConnector;
  const runaway = 'WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r';

  beforeAll(async () => {
    connector = await startConnector({
      sources: [
        { name: 'demo', engine: 'sqlite', connection: { path: join(temp.dir, 'demo.sqlite'), createDemo: true }, statementTimeoutMs: 4000, workers: 2, maxWaiting: 2 },
      ],
    });
  });
  afterAll(async () => {
    await connector?.stop();
    temp.remove();
  });

  /** Starts a call and records, in `order`, when it finished. */
  const tracked = (order: string[], name: string, sql: string): Promise<CallOutcome> =>
    call(connector.harness, 'run_query', { sql }, 20_000).then((outcome) => {
      order.push(name);
      return outcome;
    });

  it('a cheap query finishes before a runaway that started first', async () => {
    const order: string[] = [];
    const slow = tracked(order, 'runaway', runaway);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cheap = await tracked(order, 'select 1', 'SELECT 1 AS one');
    expect(cheap).toEqual(expect.objectContaining({ ok: true }));
    expect(await slow).toEqual(expect.objectContaining({ ok: false, kind: 'timeout' }));
    expect(order).toEqual(['select 1', 'runaway']);
  });

  it('refuses a call as busy, at once, when every worker runs and the line is full', async () => {
    const order: string[] = [];
    // Two run, two wait: the line is full.
    const held = [1, 2, 3, 4].map((i) => tracked(order, `runaway ${i}`, runaway));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await tracked(order, 'refused', runaway);
    expect(refused).toEqual(expect.objectContaining({ ok: false, kind: 'busy', message: expect.stringMatching(/busy/) }));
    expect(order[0]).toBe('refused');
    const outcomes = await Promise.all(held);
    expect(outcomes.every((o) => !o.ok && o.kind === 'timeout')).toBe(true);
    // Once they are gone the source serves again.
    expect((await structured(connector.harness, 'run_query', { sql: 'SELECT 1 AS one' }))['rows']).toEqual([[1]]);
  });
});
