import { call, createMariadbFixture, createPostgresFixture, startConnector, structured, type CallOutcome, type RunningConnector } from './support';

/**
 * A database restart or failover drops the connections under running and idle calls. The
 * connector must turn that into a tool error and keep serving on new connections, never crash
 * (an unhandled 'error' event on a pooled client kills the process).
 */

/** Errors that reached the process as uncaught exceptions while a test ran (jest would also fail on most). */
function watchUncaught(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const record = (error: unknown) => errors.push(error);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    errors,
    stop: () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}

/** Polls until `find` returns an id (the backend running our statement), failing after `tries`. */
async function waitFor<T>(find: () => Promise<T | undefined>, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const found = await find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Counts 250^4 joined rows: long enough to be killed mid-way, and calls no function a classifier might refuse. */
const runaway = 'SELECT count(*) AS n FROM customers a, customers b, customers c, customers d';

describe('database connector survives a dropped connection on PostgreSQL', () => {
  let fixture: Awaited<ReturnType<typeof createPostgresFixture>>;
  let connector: RunningConnector;

  beforeAll(async () => {
    fixture = await createPostgresFixture();
    connector = await startConnector(
      { sources: [{ name: 'shop', engine: 'postgres', connection: { urlEnv: 'SHOP_URL' }, allowedSchemas: [fixture.schema], statementTimeoutMs: 20_000 }] },
      { SHOP_URL: fixture.readerUrl },
    );
  });
  afterAll(async () => {
    await connector?.stop();
    await fixture?.drop();
  });

  it('returns a tool error when the backend of a running query is terminated, then serves the next call', async () => {
    const uncaught = watchUncaught();
    try {
      const running: Promise<CallOutcome> = call(connector.harness, 'run_query', { source: 'shop', sql: runaway }, 25_000);
      const pid = await waitFor(async () => {
        // The statement runs as `FETCH … FROM mcp_cursor` on the fixture's own role.
        const { rows } = await fixture.admin.query(`SELECT pid FROM pg_stat_activity WHERE usename = $1 AND state = 'active' AND query LIKE 'FETCH%'`, [fixture.readerRole]);
        return (rows[0] as { pid: number } | undefined)?.pid;
      }, 'the running query');
      await fixture.admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const outcome = await running;
      expect(outcome).toEqual(expect.objectContaining({ ok: false, kind: 'upstream', message: expect.stringMatching(/retry/i) }));
      // Let the dropped socket's late 'end'/'error' events fire before checking that nothing escaped.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await structured(connector.harness, 'run_query', { source: 'shop', sql: 'SELECT count(*) AS n FROM orders' });
      expect(after['rows']).toEqual([['300']]);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
    }
  });

  it('survives the termination of its idle pooled connections', async () => {
    const uncaught = watchUncaught();
    try {
      await structured(connector.harness, 'run_query', { source: 'shop', sql: 'SELECT 1 AS one' });
      const { rows } = await fixture.admin.query(`SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE usename = $1`, [fixture.readerRole]);
      expect(rows.length).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await structured(connector.harness, 'run_query', { source: 'shop', sql: 'SELECT count(*) AS n FROM customers' });
      expect(after['rows']).toEqual([['250']]);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
    }
  });
});

describe('database connector survives a dropped connection on MariaDB', () => {
  let fixture: Awaited<ReturnType<typeof createMariadbFixture>>;
  let connector: RunningConnector;

  beforeAll(async () => {
    fixture = await createMariadbFixture();
    connector = await startConnector({ sources: [{ name: 'shop', engine: 'mysql', connection: { urlEnv: 'SHOP_URL' }, statementTimeoutMs: 20_000 }] }, { SHOP_URL: fixture.readerUrl });
  });
  afterAll(async () => {
    await connector?.stop();
    await fixture?.drop();
  });

  it('returns a tool error when the connection of a running query is killed, then serves the next call', async () => {
    const uncaught = watchUncaught();
    try {
      const running = call(connector.harness, 'run_query', { source: 'shop', sql: runaway }, 25_000);
      const id = await waitFor(async () => {
        const [rows] = await fixture.admin.query(`SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ? AND COMMAND <> 'Sleep'`, [fixture.user]);
        return (rows as Array<{ id: number }>)[0]?.id;
      }, 'the running query');
      await fixture.admin.query(`KILL ${Number(id)}`);
      const outcome = await running;
      expect(outcome).toEqual(expect.objectContaining({ ok: false, kind: 'upstream', message: expect.stringMatching(/retry/i) }));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await structured(connector.harness, 'run_query', { source: 'shop', sql: 'SELECT COUNT(*) AS n FROM orders' });
      expect(after['rows']).toEqual([[300]]);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
    }
  });

  it('survives the killing of its idle pooled connections', async () => {
    const uncaught = watchUncaught();
    try {
      await structured(connector.harness, 'run_query', { source: 'shop', sql: 'SELECT 1 AS one' });
      const [rows] = await fixture.admin.query(`SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?`, [fixture.user]);
      const ids = (rows as Array<{ id: number }>).map((r) => r.id);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) await fixture.admin.query(`KILL ${Number(id)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const after = await structured(connector.harness, 'run_query', { source: 'shop', sql: 'SELECT COUNT(*) AS n FROM customers' });
      expect(after['rows']).toEqual([[250]]);
      expect(uncaught.errors).toEqual([]);
    } finally {
      uncaught.stop();
    }
  });
});
