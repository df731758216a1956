import { call, createMariadbFixture, startConnector, type MariadbFixture, type RunningConnector } from './support';

/**
 * A result whose byte budget runs out exactly on its last row: the cursor pauses the socket,
 * and resuming it delivers the end of the result at once. The wake-up used to be lost there,
 * and the call hung until its deadline (found while testing the server-side cell cap).
 */
describe('MariaDB result that spends its byte budget on the last row', () => {
  let fixture: MariadbFixture;
  let connector: RunningConnector;
  beforeAll(async () => {
    fixture = await createMariadbFixture();
    connector = await startConnector({ sources: [{ name: 'm', engine: 'mysql', connection: { urlEnv: 'M_URL' } }] }, { M_URL: fixture.readerUrl });
  });
  afterAll(async () => {
    await connector.stop();
    await fixture.drop();
  });

  it.each(['seq_1_to_2', 'seq_1_to_3'])('answers %s instead of waiting for the deadline', async (table) => {
    const outcome = await call(connector.harness, 'run_query', { source: 'm', sql: `SELECT seq, REPEAT('y', 70000) AS a, REPEAT('z', 70000) AS b FROM ${table}` }, 10_000);
    expect(outcome).toMatchObject({ ok: true });
    if (outcome.ok) expect(outcome.result.structuredContent).toMatchObject({ truncated: true });
  });
});
