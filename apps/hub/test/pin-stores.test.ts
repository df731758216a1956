import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PinStore } from '../src/pinning/pin-store';
import { PostgresPinStore } from '../src/pinning/postgres-pin-store';
import { SqlitePinStore } from '../src/pinning/sqlite-pin-store';

const DATABASE_URL = process.env.HUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface StoreHarness {
  /** A fresh store on its own table; a second call gives a second handle on the same table (another replica, or the CLI). */
  open(): PinStore;
  cleanup(): Promise<void>;
}

function sqliteHarness(): StoreHarness {
  const dir = mkdtempSync(path.join(tmpdir(), 'pins-'));
  return { open: () => new SqlitePinStore({ file: path.join(dir, 'pins.sqlite') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

function postgresHarness(): StoreHarness {
  const table = `pins_test_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  return {
    open: () => new PostgresPinStore({ connectionString: DATABASE_URL, table }),
    // psql rather than the driver: outside its store files, the hub may not import pg (module boundaries).
    cleanup: async () => void execFileSync('psql', [DATABASE_URL, '-q', '-c', `DROP TABLE IF EXISTS ${table}`], { stdio: 'ignore' }),
  };
}

/** One behaviour suite, run against both stores. */
function describePinStore(name: string, harnessOf: () => StoreHarness): void {
  describe(`${name} pin store`, () => {
    let harness: StoreHarness;
    let store: PinStore;
    let other: PinStore;
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

    it('pins on first sight, and a second first sight keeps the first pin', async () => {
      const first = await store.pinFirstSight('tool', 'echo_echo', 'hash-a', { description: 'a' });
      expect(first).toMatchObject({ kind: 'tool', name: 'echo_echo', approvedHash: 'hash-a', approvedDefinition: { description: 'a' }, pendingHash: null, findings: [] });
      const racing = await other.pinFirstSight('tool', 'echo_echo', 'hash-b', { description: 'b' });
      expect(racing.approvedHash).toBe('hash-a');
      expect(await other.all()).toHaveLength(1);
    });

    it('holds a change beside the approved definition until approved, seen by every handle', async () => {
      await store.pinFirstSight('tool', 'echo_echo', 'hash-a', { description: 'a' });
      const held = await store.holdPending('tool', 'echo_echo', 'hash-b', { description: 'b' }, ['override_instructions at description']);
      expect(held).toMatchObject({ approvedHash: 'hash-a', pendingHash: 'hash-b', pendingDefinition: { description: 'b' }, findings: ['override_instructions at description'] });
      const approved = await other.approve('echo_echo');
      expect(approved).toHaveLength(1);
      expect(approved[0]).toMatchObject({ approvedHash: 'hash-b', approvedDefinition: { description: 'b' }, pendingHash: null, findings: [] });
      expect((await store.all())[0]!.approvedHash).toBe('hash-b');
    });

    it('holds a definition flagged on first sight with nothing approved', async () => {
      const held = await store.holdPending('prompt', 'echo_greet', 'hash-x', { description: 'x' }, ['exfiltration at description']);
      expect(held).toMatchObject({ approvedHash: null, approvedDefinition: null, pendingHash: 'hash-x' });
    });

    it('approves nothing when nothing is held, and only the kind asked for', async () => {
      await store.pinFirstSight('tool', 'echo_echo', 'hash-a', {});
      expect(await store.approve('echo_echo')).toEqual([]);
      expect(await store.approve('no_such_tool')).toEqual([]);
      await store.holdPending('tool', 'same_name', 'h1', {}, []);
      await store.holdPending('prompt', 'same_name', 'h2', {}, []);
      expect((await store.approve('same_name', 'prompt')).map((r) => r.kind)).toEqual(['prompt']);
      expect((await store.all()).find((r) => r.kind === 'tool' && r.name === 'same_name')!.pendingHash).toBe('h1');
    });

    it('refuses a table name that is not a plain identifier', () => {
      expect(() => (name === 'SQLite' ? new SqlitePinStore({ file: ':memory:', table: 'pins; DROP TABLE x' }) : new PostgresPinStore({ connectionString: DATABASE_URL, table: 'a-b' }))).toThrow(/must match/);
    });
  });
}

describePinStore('SQLite', sqliteHarness);
describePinStore('PostgreSQL', postgresHarness);
