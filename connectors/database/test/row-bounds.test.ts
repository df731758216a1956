import { createMariadbFixture, createPostgresFixture, startConnector, structured, type RunningConnector } from './support';

/** Peak resident set of this process so far, bytes (monotonic: a transient spike counts). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/**
 * 101 rows of 5 MB text. Before the caps moved into the engines, one FETCH / one streamed batch
 * brought all of it into this process (~500 MB) for a 256 KiB result. (The servers now cut each
 * value too: see postgres-cell-cap and mariadb-cell-cap tests.)
 */
const PAYLOAD = 101 * 5_000_000;

describe.each([
  ['PostgreSQL', 'postgres', `SELECT g, repeat('x', 5000000) AS s FROM generate_series(1, 101) g`],
  ['MariaDB', 'mysql', `SELECT seq, REPEAT('x', 5000000) AS s FROM seq_1_to_101`],
] as const)('%s cursor holds about maxBytes, not the whole batch', (_name, engine, sql) => {
  let connector: RunningConnector;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    if (engine === 'postgres') {
      const fixture = await createPostgresFixture();
      drop = fixture.drop;
      connector = await startConnector(
        { sources: [{ name: 'shop', engine, connection: { urlEnv: 'URL' }, allowedSchemas: [fixture.schema], statementTimeoutMs: 20_000 }] },
        { URL: fixture.readerUrl },
      );
    } else {
      const fixture = await createMariadbFixture();
      drop = fixture.drop;
      connector = await startConnector({ sources: [{ name: 'shop', engine, connection: { urlEnv: 'URL' }, statementTimeoutMs: 20_000 }] }, { URL: fixture.readerUrl });
    }
  });
  afterAll(async () => {
    await connector?.stop();
    await drop?.();
  });

  it('returns a cut result and its peak memory growth stays a small fraction of the payload', async () => {
    const before = peakRss();
    const result = await structured(connector.harness, 'run_query', { source: 'shop', sql, max_rows: 100 });
    const growth = peakRss() - before;
    expect(result).toEqual(expect.objectContaining({ truncated: true, truncatedBy: 'max_bytes' }));
    expect(result['cutCells']).toBe(result['rowCount']);
    expect(growth).toBeLessThan(PAYLOAD / 5);
  });
});
