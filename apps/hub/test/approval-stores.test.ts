import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ApprovalRequest, ApprovalStore } from '../src/approvals/approval-store';
import { PostgresApprovalStore } from '../src/approvals/postgres-approval-store';
import { SqliteApprovalStore } from '../src/approvals/sqlite-approval-store';

const DATABASE_URL = process.env.HUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface StoreHarness {
  /** A handle on the harness's tables; a second call gives a second handle on the same tables (another replica, the CLI, a restarted hub). */
  open(): ApprovalStore;
  cleanup(): Promise<void>;
}

function sqliteHarness(): StoreHarness {
  const dir = mkdtempSync(path.join(tmpdir(), 'approvals-'));
  return { open: () => new SqliteApprovalStore({ file: path.join(dir, 'approvals.sqlite') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresHarness(): StoreHarness {
  const prefix = `approvals_test_${process.pid}_${Math.floor(Math.random() * 1e9)}_`;
  return {
    open: () => new PostgresApprovalStore({ connectionString: DATABASE_URL, tablePrefix: prefix }),
    // psql rather than the driver: outside its store files, the hub may not import pg (module boundaries).
    cleanup: async () => void execFileSync('psql', [DATABASE_URL, '-q', '-c', `DROP TABLE IF EXISTS ${prefix}approvals, ${prefix}session_taint`], { stdio: 'ignore' }),
  };
}

const MINUTE = 60_000;
const T0 = 1_800_000_000_000;
const call: ApprovalRequest = { principalId: 'alice', tool: 'mail_send_email', argumentsHash: 'a'.repeat(64), summary: 'to: "bob@example.com"', reason: 'open_world_write' };

/** One behaviour suite, run against both stores. */
function describeApprovalStore(name: string, harnessOf: () => StoreHarness): void {
  describe(`${name} approval store`, () => {
    let harness: StoreHarness;
    let store: ApprovalStore;
    let other: ApprovalStore;
    beforeEach(() => {
      harness = harnessOf();
      store = harness.open();
      other = harness.open();
    });
    afterEach(async () => {
      await store.close();
      await other.close();
      await harness.cleanup();
    });

    it('opens one pending request per call, seen by every handle, and reuses it on a retry', async () => {
      const first = await store.open(call, T0, 10 * MINUTE);
      expect(first).toMatchObject({ ...call, status: 'pending', createdAt: T0, expiresAt: T0 + 10 * MINUTE, decidedAt: null, consumedAt: null });
      expect((await other.open(call, T0 + 1000, 10 * MINUTE)).id).toBe(first.id);
      expect((await other.pending(T0 + 1000)).map((r) => r.id)).toEqual([first.id]);
      expect(await other.countPending(T0 + 1000)).toBe(1);
      expect(await other.countPending(T0 + 10 * MINUTE)).toBe(0);
      const otherArguments = await store.open({ ...call, argumentsHash: 'b'.repeat(64) }, T0, 10 * MINUTE);
      expect(otherArguments.id).not.toBe(first.id);
    });

    it('an approval is consumed once, by the same principal, tool and arguments only', async () => {
      const request = await store.open(call, T0, 10 * MINUTE);
      const approved = await other.decide(request.id, 'approved', 'cli:ops', T0 + 1000, 10 * MINUTE);
      expect(approved).toMatchObject({ status: 'approved', decidedBy: 'cli:ops', decidedAt: T0 + 1000, expiresAt: T0 + 1000 + 10 * MINUTE });
      expect(await store.consume('mallory', call.tool, call.argumentsHash, T0 + 2000)).toBeUndefined();
      expect(await store.consume('alice', 'mail_delete_email', call.argumentsHash, T0 + 2000)).toBeUndefined();
      expect(await store.consume('alice', call.tool, 'b'.repeat(64), T0 + 2000)).toBeUndefined();
      const consumed = await store.consume('alice', call.tool, call.argumentsHash, T0 + 2000);
      expect(consumed).toMatchObject({ id: request.id, status: 'consumed', consumedAt: T0 + 2000 });
      expect(await other.consume('alice', call.tool, call.argumentsHash, T0 + 3000)).toBeUndefined();
    });

    it('two handles consuming one approval at once: exactly one gets it', async () => {
      const request = await store.open(call, T0, 10 * MINUTE);
      await store.decide(request.id, 'approved', 'admin', T0, 10 * MINUTE);
      const racing = await Promise.all([store.consume('alice', call.tool, call.argumentsHash, T0 + 1), other.consume('alice', call.tool, call.argumentsHash, T0 + 1)]);
      expect(racing.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('an expired approval is not consumed, and an expired request cannot be decided', async () => {
      const request = await store.open(call, T0, 10 * MINUTE);
      await store.decide(request.id, 'approved', 'admin', T0, 10 * MINUTE);
      expect(await store.consume('alice', call.tool, call.argumentsHash, T0 + 10 * MINUTE)).toBeUndefined();
      const late = await store.open({ ...call, argumentsHash: 'c'.repeat(64) }, T0, 10 * MINUTE);
      expect(await store.decide(late.id, 'approved', 'admin', T0 + 10 * MINUTE, 10 * MINUTE)).toBeUndefined();
      expect(await store.pending(T0 + 10 * MINUTE)).toEqual([]);
    });

    it('a decision is made once; a denial is what a retry of the same call reads until it expires', async () => {
      const request = await store.open(call, T0, 10 * MINUTE);
      expect(await store.decide(request.id, 'denied', 'admin', T0, 10 * MINUTE)).toMatchObject({ status: 'denied' });
      expect(await other.decide(request.id, 'approved', 'admin', T0 + 1, 10 * MINUTE)).toBeUndefined();
      expect(await store.consume('alice', call.tool, call.argumentsHash, T0 + 2)).toBeUndefined();
      expect(await store.open(call, T0 + 3, 10 * MINUTE)).toMatchObject({ id: request.id, status: 'denied' });
      const after = await store.open(call, T0 + 11 * MINUTE, 10 * MINUTE);
      expect(after).toMatchObject({ status: 'pending' });
      expect(after.id).not.toBe(request.id);
    });

    it('unknown and malformed ids are not found', async () => {
      expect(await store.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
      expect(await store.get("x' OR 1=1 --")).toBeUndefined();
      expect(await store.decide("x' OR 1=1 --", 'approved', 'admin', T0, MINUTE)).toBeUndefined();
    });

    it('taints a scope until its time, seen by every handle', async () => {
      expect(await store.isTainted('session:abc', T0)).toBe(false);
      await store.taint('session:abc', 'github:acme/app#1', T0, T0 + MINUTE);
      await other.taint('session:abc', 'slack:C1:1', T0 + 1, T0 + 30_000);
      expect(await other.isTainted('session:abc', T0 + 59_000)).toBe(true);
      expect(await other.isTainted('session:abc', T0 + MINUTE)).toBe(false);
      expect(await other.isTainted('session:other', T0)).toBe(false);
    });

    it('survives a restart: a new handle reads what the first stored', async () => {
      const request = await store.open(call, T0, 10 * MINUTE);
      await store.decide(request.id, 'approved', 'admin', T0, 10 * MINUTE);
      await store.close();
      store = harness.open();
      expect(await store.consume('alice', call.tool, call.argumentsHash, T0 + 1)).toMatchObject({ id: request.id });
    });
  });
}

describeApprovalStore('SQLite', sqliteHarness);
describeApprovalStore('PostgreSQL', postgresHarness);
