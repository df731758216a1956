import { join } from 'node:path';
import fc from 'fast-check';
import { call, createMariadbFixture, createPostgresFixture, directoryChecksum, startConnector, tempDir, type MariadbFixture, type PostgresFixture, type RunningConnector } from './support';

/**
 * Generated statements built from the pieces real bypasses are made of (write keywords,
 * separators, comments of every dialect, quotes and escapes, dangerous functions). Whatever
 * the connector answers, the database content must be unchanged afterwards, and no answer may
 * be an internal error.
 */
function statementArbitrary(table: string): fc.Arbitrary<string> {
  const pieces = fc.constantFrom(
    'SELECT', 'select', 'WITH x AS (', ')', 'SELECT * FROM x', `DELETE FROM ${table}`, `UPDATE ${table} SET id = id + 1000`,
    `INSERT INTO ${table} (id) VALUES (100000)`, `DROP TABLE ${table}`, `TRUNCATE ${table}`, 'RETURNING *', ';', ';;', ' ', '\n',
    '--', '-- ', '#', '/*', '*/', '/*!', '/*M!', '/*+', "'", "''", '"', '`', '\\', "\\'", '$$', '$a$', 'E', '[', ']', '(', ')', ',',
    'COMMIT', 'ROLLBACK', 'BEGIN', 'SET', 'CALL', 'DO', 'PREPARE p AS', 'EXECUTE p', 'LOCK', 'HANDLER', 'INTO OUTFILE', "'/tmp/mcp_fuzz'",
    'ATTACH', 'PRAGMA', 'pg_sleep(1)', 'sleep(1)', 'load_file', 'FOR UPDATE', 'UNION SELECT', '1', 'id', `FROM ${table}`, 'WHERE 1=1',
    '\u200b', '\u202e', 'é',
  );
  return fc.array(pieces, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(' '));
}

const RUNS = 60;

describe('fuzzed statements never change the database', () => {
  it('SQLite', async () => {
    const temp = tempDir('mcp-db-fuzz-');
    const dir = join(temp.dir, 'db');
    const connector = await startConnector({ sources: [{ name: 'f', engine: 'sqlite', connection: { path: join(dir, 'f.sqlite'), createDemo: true }, statementTimeoutMs: 500 }] });
    try {
      const before = directoryChecksum(dir);
      await fc.assert(
        fc.asyncProperty(statementArbitrary('orders'), async (sql) => {
          const outcome = await call(connector.harness, 'run_query', { sql });
          expect(outcome.ok || outcome.kind !== 'internal').toBe(true);
          expect(directoryChecksum(dir)).toBe(before);
        }),
        { numRuns: RUNS * 2, seed: 4242 },
      );
    } finally {
      await connector.stop();
      temp.remove();
    }
  });

  describe.each([
    ['PostgreSQL', 'postgres' as const],
    ['MariaDB', 'mysql' as const],
  ])('%s', (_label, engine) => {
    let fixture: PostgresFixture | MariadbFixture;
    let connector: RunningConnector;
    beforeAll(async () => {
      fixture = engine === 'postgres' ? await createPostgresFixture() : await createMariadbFixture();
      // Superuser/root on purpose: the parser and the read-only transaction are under test, not the grants.
      const url = engine === 'postgres' ? 'postgres://postgres@127.0.0.1:5432/test' : `mysql://root@127.0.0.1:3306/${(fixture as MariadbFixture).database}`;
      connector = await startConnector({ sources: [{ name: 'f', engine, connection: { urlEnv: 'URL' }, statementTimeoutMs: 500 }] }, { URL: url });
    });
    afterAll(async () => {
      await connector?.stop();
      await fixture?.drop();
    });

    it('run_query leaves the checksum unchanged', async () => {
      const table = engine === 'postgres' ? `${(fixture as PostgresFixture).schema}.orders` : 'orders';
      const before = await fixture.checksum();
      await fc.assert(
        fc.asyncProperty(statementArbitrary(table), async (sql) => {
          const outcome = await call(connector.harness, 'run_query', { sql });
          expect(outcome.ok || outcome.kind !== 'internal').toBe(true);
          expect(await fixture.checksum()).toBe(before);
        }),
        { numRuns: RUNS, seed: 4242 },
      );
    });
  });
});
