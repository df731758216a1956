import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyAuditStore } from '../src/audit/audit-log';
import type { AuditEntry } from '../src/audit/audit-record';
import type { AuditStore } from '../src/audit/audit-store';
import { PostgresAuditStore } from '../src/audit/postgres-audit-store';
import { SqliteAuditStore } from '../src/audit/sqlite-audit-store';

const DATABASE_URL = process.env.HUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface StoreHarness {
  /** A store on this harness's table; each call gives another handle (another replica, or the CLI). */
  open(): AuditStore;
  /** Runs SQL on the database behind the store's back (psql / sqlite3: outside its store files the hub may not import a driver). */
  tamper(sql: string): void;
  table: string;
  cleanup(): Promise<void>;
}

function sqliteHarness(): StoreHarness {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-'));
  const file = path.join(dir, 'audit.sqlite');
  return {
    table: 'audit_log',
    open: () => new SqliteAuditStore({ file }),
    tamper: (sql) => void execFileSync('sqlite3', [file, sql], { stdio: 'ignore' }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresHarness(): StoreHarness {
  const table = `audit_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const psql = (sql: string) => void execFileSync('psql', [DATABASE_URL, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: 'ignore' });
  return {
    table,
    open: () => new PostgresAuditStore({ connectionString: DATABASE_URL, table }),
    tamper: psql,
    cleanup: async () => psql(`DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${table}_head`),
  };
}

function entry(n: number, hubId = 'hub-a'): AuditEntry {
  return {
    at: new Date(Date.UTC(2026, 11, 3, 12, 0, 0, n)).toISOString(),
    hubId,
    principal: 'alice',
    operation: 'tool_call',
    target: 'echo_echo',
    connector: 'echo',
    argumentsHash: `sha256:${String(n).padStart(64, '0')}`,
    arguments: { text: `call ${n}` },
    decision: null,
    outcome: 'ok',
    latencyMs: 1.5,
  };
}

/** One behaviour suite, run against both stores. */
function describeAuditStore(name: string, harnessOf: () => StoreHarness): void {
  describe(`${name} audit store`, () => {
    let harness: StoreHarness;
    let store: AuditStore;
    beforeEach(async () => {
      harness = harnessOf();
      store = harness.open();
      await store.append([1, 2, 3, 4, 5].map((n) => entry(n)));
    });
    afterEach(async () => {
      await store.close();
      await harness.cleanup();
    });

    it('appends a chain that verifies, and reads it back by seq, by time and newest first', async () => {
      expect(await verifyAuditStore(store)).toMatchObject({ ok: true, records: 5 });
      expect((await store.rows(1, 3, 10)).map((row) => row.seq)).toEqual([2, 3]);
      expect((await store.latest(2)).map((row) => row.seq)).toEqual([5, 4]);
      const since = Date.UTC(2026, 11, 3, 12, 0, 0, 2);
      expect((await store.rowsBetween(since, since + 2, 0, 10)).map((row) => row.seq)).toEqual([2, 3]);
      expect(JSON.parse((await store.rows(0, 1, 1))[0]!.record)).toMatchObject({ seq: 1, target: 'echo_echo', arguments: { text: 'call 1' } });
    });

    it('one byte changed in a row: verify fails and names that row', async () => {
      harness.tamper(`UPDATE ${harness.table} SET record = replace(record, 'call 3', 'call 8') WHERE seq = 3`);
      expect(await verifyAuditStore(store)).toMatchObject({ ok: false, seq: 3, problem: 'edited' });
    });

    it('a deleted row is named, in the middle and at the end', async () => {
      harness.tamper(`DELETE FROM ${harness.table} WHERE seq = 5`);
      expect(await verifyAuditStore(store)).toMatchObject({ ok: false, seq: 5, problem: 'removed' });
      harness.tamper(`DELETE FROM ${harness.table} WHERE seq = 2`);
      expect(await verifyAuditStore(store)).toMatchObject({ ok: false, seq: 2, problem: 'removed' });
    });

    it('a swapped pair is named', async () => {
      harness.tamper(`UPDATE ${harness.table} SET seq = -1 WHERE seq = 2; UPDATE ${harness.table} SET seq = 2 WHERE seq = 3; UPDATE ${harness.table} SET seq = 3 WHERE seq = -1`);
      expect(await verifyAuditStore(store)).toMatchObject({ ok: false, seq: 2, problem: 'reordered' });
    });

    it('two writers interleaving keep one valid chain', async () => {
      const other = harness.open();
      try {
        const writes: Promise<void>[] = [];
        for (let i = 0; i < 40; i++) {
          writes.push(store.append([entry(100 + i, 'hub-a'), entry(200 + i, 'hub-a')]));
          writes.push(other.append([entry(300 + i, 'hub-b')]));
        }
        await Promise.all(writes);
        expect(await verifyAuditStore(other)).toMatchObject({ ok: true, records: 5 + 40 * 3 });
        const hubs = (await store.rows(5, 1000, 1000)).map((row) => (JSON.parse(row.record) as { hubId: string }).hubId);
        expect(hubs.filter((hub) => hub === 'hub-b')).toHaveLength(40);
      } finally {
        await other.close();
      }
    });
  });
}

describeAuditStore('SQLite', sqliteHarness);
describeAuditStore('PostgreSQL', postgresHarness);

describe('PostgreSQL audit store under concurrent replicas', () => {
  it('writers on separate pools never fork the chain, and they do interleave', async () => {
    const harness = postgresHarness();
    const stores = [harness.open(), harness.open(), harness.open()];
    try {
      await Promise.all(
        stores.map(async (store, replica) => {
          for (let i = 0; i < 30; i++) await store.append([entry(i, `hub-${replica}`), entry(i + 1000, `hub-${replica}`)]);
        }),
      );
      expect(await verifyAuditStore(stores[0]!)).toMatchObject({ ok: true, records: 3 * 30 * 2 });
      const order = (await stores[0]!.rows(0, 1000, 1000)).map((row) => (JSON.parse(row.record) as { hubId: string }).hubId);
      // Interleaved: the replicas' batches alternate rather than one replica writing all of its own first.
      const switches = order.filter((hub, i) => i > 0 && hub !== order[i - 1]).length;
      expect(switches).toBeGreaterThan(2);
    } finally {
      for (const store of stores) await store.close();
      await harness.cleanup();
    }
  });
});
