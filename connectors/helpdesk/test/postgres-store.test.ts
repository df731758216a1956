import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import { ConnectorHarness, describeIdempotencyStoreBehaviour } from '@mcp-hub/connector-kit/testing';
import { buildConnector } from '@mcp-hub/connector-kit';
import { helpdeskModule } from '../src/index';
import { PostgresTicketStore } from '../src/postgres-ticket-store';
import { describeTicketStoreBehaviour } from './store-behaviour';

/** The machine's PostgreSQL (trust auth). Each test works in its own schema and drops it. */
const DATABASE_URL = process.env.HELPDESK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const admin = new Pool({ connectionString: DATABASE_URL, max: 2 });
afterAll(() => admin.end());

const uniqueSchema = () => `helpdesk_test_${randomBytes(6).toString('hex')}`;
const dropSchema = (schema: string) => admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);

describeTicketStoreBehaviour('PostgreSQL', async () => {
  const schema = uniqueSchema();
  const store = await PostgresTicketStore.open({ url: DATABASE_URL, schema, poolSize: 4 });
  return {
    store,
    dispose: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
});

// Two replicas' stores on one schema: a key claimed through one is seen through the other.
describeIdempotencyStoreBehaviour('PostgreSQL ticket store', async () => {
  const schema = uniqueSchema();
  const first = await PostgresTicketStore.open({ url: DATABASE_URL, schema, poolSize: 4 });
  const second = await PostgresTicketStore.open({ url: DATABASE_URL, schema, poolSize: 4 });
  return {
    first,
    second,
    close: async () => {
      await first.close();
      await second.close();
      await dropSchema(schema);
    },
  };
});

describe('PostgreSQL ticket store', () => {
  it('creates its schema, and several replicas opening it together all succeed', async () => {
    const schema = uniqueSchema();
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresTicketStore.open({ url: DATABASE_URL, schema, poolSize: 2 })));
      await stores[0]!.createTicket({ subject: 's', body: 'b', requester: 'r', priority: 'low', assignee: null, tags: [] });
      expect((await stores[3]!.queueOverview(1)).total).toBe(1);
      await Promise.all(stores.map((s) => s.close()));
      const { rows } = await admin.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [schema]);
      expect(rows.map((r: { table_name: string }) => r.table_name)).toEqual(['comments', 'idempotency_keys', 'tickets']);
    } finally {
      await dropSchema(schema);
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(PostgresTicketStore.open({ url: DATABASE_URL, schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/invalid PostgreSQL schema name/);
  });

  it('never puts the connection string or its password in an error or a log', async () => {
    const url = 'postgres://helpdesk:s3cr3t-pa55@127.0.0.1:1/test';
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const failure = await PostgresTicketStore.open({ url, schema: 'helpdesk', logger }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/could not open the PostgreSQL ticket store/);
    for (const text of [(failure as Error).message, String((failure as Error).stack), ...lines]) {
      expect(text).not.toContain('s3cr3t-pa55');
      expect(text).not.toContain(url);
    }
  });

  it('runs the module against PostgreSQL: seeds demo tickets and serves tools', async () => {
    const schema = uniqueSchema();
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const built = await buildConnector(
      helpdeskModule,
      { embedded: true, dataDir: '/nonexistent', fromFile: { store: { kind: 'postgres', url: DATABASE_URL, schema } }, env: { HELPDESK_DATABASE_URL: DATABASE_URL } },
      logger,
    );
    const harness = await ConnectorHarness.start(built.connector, built.deps);
    try {
      const search = await harness.callTool('search_tickets', { status: 'open', limit: 3 });
      expect(search.structuredContent).toMatchObject({ hasMore: true, truncated: true });
      const created = await harness.callTool('create_ticket', { subject: 'From pg', body: 'Body', requester: 'pg@example.com', idempotency_key: 'pg-1' });
      const again = await harness.callTool('create_ticket', { subject: 'From pg', body: 'Body', requester: 'pg@example.com', idempotency_key: 'pg-1' });
      expect(again.structuredContent).toEqual(created.structuredContent);
      const id = (created.structuredContent as { ticket: { id: number } }).ticket.id;
      const moved = await harness.callTool('transition_ticket', { id, status: 'in_progress' });
      expect(moved.structuredContent).toMatchObject({ from: 'open', to: 'in_progress' });
      expect(lines.join('\n')).not.toContain(DATABASE_URL);
    } finally {
      await harness.stop();
      await built.close();
      await dropSchema(schema);
    }
  });
});
