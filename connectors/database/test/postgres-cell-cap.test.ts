import { createPostgresFixture, startConnector, structured, type PostgresFixture, type RunningConnector } from './support';

/** Peak resident set of this process so far, bytes (monotonic: a transient spike counts). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** One text value this large used to cross the wire and be parsed whole in the connector. */
const VALUE = 100_000_000;

describe('PostgreSQL cuts long cells on the server (issue 9, M3)', () => {
  let fixture: PostgresFixture;
  let connector: RunningConnector;
  const run = (sql: string) => structured(connector.harness, 'run_query', { source: 'shop', sql });

  beforeAll(async () => {
    fixture = await createPostgresFixture();
    connector = await startConnector(
      { sources: [{ name: 'shop', engine: 'postgres', connection: { urlEnv: 'URL' }, allowedSchemas: [fixture.schema], redactColumns: ['^api_key$'], statementTimeoutMs: 30_000 }] },
      { URL: fixture.readerUrl },
    );
    // Warm the cut path (buffers, compiled code) so the peak below measures the value alone.
    await run("SELECT repeat('x', 100000) AS warm");
  });
  afterAll(async () => {
    await connector?.stop();
    await fixture?.drop();
  });

  // First in the file: the peak must not be set by an earlier test.
  it('returns one huge value cut, and memory grows by a small fraction of it', async () => {
    const before = peakRss();
    const result = await run(`SELECT repeat('x', ${VALUE}) AS big`);
    const growth = peakRss() - before;
    expect(result).toEqual(expect.objectContaining({ truncated: true, cutCells: 1, rowCount: 1 }));
    expect(String(result['rows'][0][0]).length).toBeLessThan(VALUE / 100);
    expect(growth).toBeLessThan(VALUE / 4);
  });

  it('cuts text, bytea, json and arrays, keeping NULLs', async () => {
    const result = await run(
      `SELECT repeat('y', 100000) AS t, decode(repeat('ab', 100000), 'hex') AS b, (SELECT jsonb_agg(i) FROM generate_series(1, 30000) i) AS j,
              (SELECT array_agg(repeat('z', 10)) FROM generate_series(1, 30000) i) AS arr, NULL::text AS n, NULL::bytea AS nb`,
    );
    expect(result['columns'].map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['t:text', 'b:bytea', 'j:jsonb', 'arr:_text', 'n:text', 'nb:bytea']);
    expect(result['rows'][0].slice(4)).toEqual([null, null]);
    expect(result).toEqual(expect.objectContaining({ truncated: true, cutCells: 4 }));
  });

  it('keeps the order of rows and odd column names', async () => {
    const result = await run(`SELECT g, repeat('y', 70000) AS "Odd name; -- x" FROM generate_series(1, 3) g ORDER BY g DESC`);
    expect(result['columns'].map((c: { name: string }) => c.name)).toEqual(['g', 'Odd name; -- x']);
    expect(result['rows'].map((row: unknown[]) => row[0])).toEqual([3, 2, 1]);
    expect(result['cutCells']).toBe(3);
  });

  it('leaves small values as they were: duplicate names, json, jsonb, arrays, bytea, bpchar padding', async () => {
    const sql = `SELECT 1 AS a, 'x' AS a, '{"k":1}'::json AS j, '{"k":[1]}'::jsonb AS jb, ARRAY[1, 2] AS arr, '\\x0102'::bytea AS b, 'ab'::char(4) AS c, repeat('w', 70000) AS long`;
    const result = await run(sql);
    expect(result['columns'].map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual(['a:int4', 'a:text', 'j:json', 'jb:jsonb', 'arr:_int4', 'b:bytea', 'c:bpchar', 'long:text']);
    const small = await run(sql.replace(", repeat('w', 70000) AS long", ''));
    expect(result['rows'][0].slice(0, 7)).toEqual(small['rows'][0]);
    expect(result['rows'][0][6]).toBe('ab  ');
    expect(result['cutCells']).toBe(1);
  });

  it('still masks a redacted column in a wrapped statement', async () => {
    const result = await run(`SELECT id, api_key, repeat('x', 100000) AS big FROM customers ORDER BY id LIMIT 2`);
    expect(result['rows'].map((row: unknown[]) => row.slice(0, 2))).toEqual([[1, '[redacted]'], [2, '[redacted]']]);
    expect(result['redactedColumns']).toEqual(['api_key']);
    expect(result['cutCells']).toBe(2);
  });

  it('binds parameters in a wrapped statement', async () => {
    const result = await structured(connector.harness, 'run_query', { source: 'shop', sql: `SELECT $1::int + 1 AS p, repeat('q', $2::int) AS r`, params: [41, 100000] });
    expect(result['rows'][0][0]).toBe(42);
    expect(result['cutCells']).toBe(1);
  });
});
