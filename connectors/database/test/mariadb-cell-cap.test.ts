import { createMariadbFixture, startConnector, structured, type MariadbFixture, type RunningConnector } from './support';

/** Peak resident set of this process so far, bytes (monotonic: a transient spike counts). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

describe('MariaDB cuts long cells on the server (issue 9, M3)', () => {
  let fixture: MariadbFixture;
  let connector: RunningConnector;
  /** As large as the server lets one value be (REPEAT gives NULL past max_allowed_packet), at most 100 MB. */
  let value = 0;
  const run = (sql: string) => structured(connector.harness, 'run_query', { source: 'shop', sql });

  beforeAll(async () => {
    fixture = await createMariadbFixture();
    const [rows] = await fixture.admin.query('SELECT @@max_allowed_packet AS packet');
    value = Math.min(100_000_000, Number((rows as Array<{ packet: number }>)[0]!.packet) - 1024 * 1024);
    connector = await startConnector(
      { sources: [{ name: 'shop', engine: 'mysql', connection: { urlEnv: 'URL' }, redactColumns: ['^api_key$'], statementTimeoutMs: 30_000 }] },
      { URL: fixture.readerUrl },
    );
    // Warm the cut path (buffers, compiled code) so the peak below measures the value alone.
    await run("SELECT REPEAT('x', 100000) AS warm");
  });
  afterAll(async () => {
    await connector?.stop();
    await fixture?.drop();
  });

  // First in the file: the peak must not be set by an earlier test.
  it('returns one huge value cut, and memory grows by a small fraction of it', async () => {
    expect(value).toBeGreaterThan(10_000_000);
    const before = peakRss();
    const result = await run(`SELECT REPEAT('x', ${value}) AS big`);
    const growth = peakRss() - before;
    expect(result).toEqual(expect.objectContaining({ truncated: true, cutCells: 1, rowCount: 1 }));
    expect(String(result['rows'][0][0]).length).toBeLessThan(value / 100);
    // The server caps the value at max_allowed_packet (16 MB here), so allow for a few MB of heap
    // noise in a fresh worker: before the fix the growth was about 3.5 times the value.
    expect(growth).toBeLessThan(value / 2);
  });

  it('cuts text and binary, keeping NULLs and duplicate names', async () => {
    const result = await run("SELECT REPEAT('y', 70000) AS `a`, 'x' AS `a`, NULL AS n, UNHEX(REPEAT('ab', 40000)) AS b");
    expect(result['columns'].map((c: { name: string }) => c.name)).toEqual(['a', 'a', 'n', 'b']);
    expect(result['rows'][0].slice(1, 3)).toEqual(['x', null]);
    expect(result).toEqual(expect.objectContaining({ truncated: true, cutCells: 2 }));
  });

  it('keeps the order of rows and odd column names', async () => {
    const result = await run("SELECT seq, REPEAT('y', 70000) AS `Odd name; ``x` FROM seq_1_to_3 ORDER BY seq DESC");
    expect(result['columns'].map((c: { name: string }) => c.name)).toEqual(['seq', 'Odd name; `x']);
    expect(result['rows'].map((row: unknown[]) => row[0])).toEqual([3, 2, 1]);
    expect(result['cutCells']).toBe(3);
  });

  it('leaves small values as they were, JSON included', async () => {
    const sql = "SELECT 1 AS a, 'x' AS a, JSON_OBJECT('k', 1) AS j, X'0102' AS b, REPEAT('w', 70000) AS `long`";
    const result = await run(sql);
    const small = await run(sql.replace(", REPEAT('w', 70000) AS `long`", ''));
    expect(result['rows'][0].slice(0, 4)).toEqual(small['rows'][0]);
    expect(result['cutCells']).toBe(1);
  });

  it('still masks a redacted column in a wrapped statement', async () => {
    const result = await run(`SELECT id, api_key, REPEAT('x', 100000) AS big FROM customers ORDER BY id LIMIT 2`);
    expect(result['rows'].map((row: unknown[]) => row.slice(0, 2))).toEqual([[1, '[redacted]'], [2, '[redacted]']]);
    expect(result['cutCells']).toBe(2);
  });

  it('binds parameters in a wrapped statement', async () => {
    const result = await structured(connector.harness, 'run_query', { source: 'shop', sql: 'SELECT ? + 1 AS p, REPEAT(?, 100000) AS r', params: [41, 'q'] });
    expect(Number(result['rows'][0][0])).toBe(42);
    expect(result['cutCells']).toBe(1);
  });
});
