import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import pino from 'pino';
import { buildConnector } from '@mcp-hub/connector-kit';
import { ConnectorHarness, ConnectorReplyError, describeIdempotencyStoreBehaviour } from '@mcp-hub/connector-kit/testing';
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

  describe('when PostgreSQL drops a connection (restart, failover, pg_terminate_backend)', () => {
    const schema = uniqueSchema();
    let harness: ConnectorHarness<unknown>;
    let close: () => Promise<void>;
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);

    beforeAll(async () => {
      const built = await buildConnector(
        helpdeskModule,
        { embedded: true, dataDir: '/nonexistent', fromFile: { store: { kind: 'postgres', url: DATABASE_URL, schema } }, env: { HELPDESK_DATABASE_URL: DATABASE_URL } },
        pino({ level: 'silent' }),
      );
      harness = (await ConnectorHarness.start(built.connector, built.deps)) as ConnectorHarness<unknown>;
      close = async () => {
        await harness.stop();
        await built.close();
      };
      process.on('uncaughtException', record);
      process.on('unhandledRejection', record);
    });
    afterAll(async () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
      await close?.();
      await dropSchema(schema);
    });

    /** Backends of this store only: every statement it sends names its own schema. */
    const ownBackends = `SELECT pid FROM pg_stat_activity WHERE application_name = 'mcp-hub-helpdesk' AND query LIKE '%"${schema}"%'`;

    it('a write whose backend is terminated mid-transaction fails as a tool error, and the next call works', async () => {
      const open = await harness.callTool('search_tickets', { status: 'open', limit: 1 });
      const id = (open.structuredContent as { tickets: Array<{ id: number }> }).tickets[0]!.id;
      const locker = await admin.connect();
      try {
        // SHARE lets the tool read the ticket, then blocks its UPDATE inside the comment transaction.
        await locker.query('BEGIN');
        await locker.query(`LOCK TABLE "${schema}".tickets IN SHARE MODE`);
        const writing = harness.callTool('add_comment', { id, body: 'lost in a failover' }).then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        let pid: number | undefined;
        for (let i = 0; i < 200 && pid === undefined; i++) {
          const { rows } = await admin.query(`${ownBackends} AND wait_event_type = 'Lock'`);
          pid = (rows[0] as { pid: number } | undefined)?.pid;
          if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(pid).toBeDefined();
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        const outcome = await writing;
        expect(outcome.ok).toBe(false);
        const reply = (outcome as { error: ConnectorReplyError }).error.reply;
        expect(reply).toMatchObject({ kind: 'upstream', message: expect.stringMatching(/lost its connection[\s\S]*Retry/) });
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const comment = await harness.callTool('add_comment', { id, body: 'after the failover' });
      expect(comment.structuredContent).toMatchObject({ comment: { body: expect.stringContaining('after the failover') } });
      expect(uncaught).toEqual([]);
    });

    it('survives the termination of its idle pooled connections', async () => {
      await harness.callTool('search_tickets', { limit: 1 });
      const { rows } = await admin.query(ownBackends.replace('SELECT pid', 'SELECT pg_terminate_backend(pid)'));
      expect(rows.length).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const search = await harness.callTool('search_tickets', { limit: 1 });
      expect(search.structuredContent).toMatchObject({ hasMore: true });
      expect(uncaught).toEqual([]);
    });
  });
});
