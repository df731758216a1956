import pino from 'pino';
import { chainEntries } from './audit-chain';
import { AuditLog, type AuditedCall } from './audit-log';
import { GENESIS_HASH, type AuditEntry, type AuditHead, type AuditRow } from './audit-record';
import type { AuditStore } from './audit-store';

/** The store's contract in memory, with a switch to fail or hang its appends (the queue's logic, not a database, is under test). */
class MemoryStore implements AuditStore {
  stored: AuditRow[] = [];
  appends: number[] = [];
  failNext = 0;
  hang = false;
  private last: AuditHead = { seq: 0, hash: GENESIS_HASH };

  async append(entries: readonly AuditEntry[]): Promise<void> {
    if (this.hang) return new Promise(() => undefined);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('database unavailable');
    }
    this.appends.push(entries.length);
    const chained = chainEntries(this.last, entries);
    this.stored.push(...chained.rows);
    this.last = chained.head;
  }
  async head(): Promise<AuditHead> {
    return this.last;
  }
  async rows(afterSeq: number, untilSeq: number, limit: number): Promise<AuditRow[]> {
    return this.stored.filter((row) => row.seq > afterSeq && row.seq <= untilSeq).slice(0, limit);
  }
  async rowsBetween(): Promise<AuditRow[]> {
    return [];
  }
  async latest(limit: number): Promise<AuditRow[]> {
    return this.stored.slice(-limit).reverse();
  }
  async close(): Promise<void> {}
}

const logger = pino({ level: 'silent' });

function call(n: number): AuditedCall {
  return { at: Date.now(), principal: 'p', operation: 'tool_call', target: `t${n}`, arguments: { n }, decision: null, outcome: 'ok', latencyMs: 1 };
}

function counts(log: AuditLog): Record<'written' | 'failed' | 'dropped', number> {
  const seen = { written: 0, failed: 0, dropped: 0 };
  for (const event of ['written', 'failed', 'dropped'] as const) log.on(event, (n) => (seen[event] += n));
  return seen;
}

describe('audit log queue', () => {
  it('writes the calls of one moment in one transaction, after the current turn', async () => {
    const store = new MemoryStore();
    const log = new AuditLog({ store, hubId: 'h', logger, batchDelayMs: 5 });
    for (let i = 0; i < 100; i++) log.record(call(i));
    expect(store.appends).toEqual([]);
    await log.flush();
    expect(store.appends).toEqual([100]);
    expect(store.stored.map((row) => JSON.parse(row.record).target)).toEqual(Array.from({ length: 100 }, (_, i) => `t${i}`));
  });

  it('retries a failing store with backoff and loses nothing, in order', async () => {
    const store = new MemoryStore();
    store.failNext = 2;
    const log = new AuditLog({ store, hubId: 'h', logger, batchDelayMs: 1 });
    const seen = counts(log);
    log.record(call(1));
    log.record(call(2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    log.record(call(3));
    // 250 ms then 500 ms of backoff.
    const until = Date.now() + 5000;
    while (store.stored.length < 3 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.stored.map((row) => JSON.parse(row.record).target)).toEqual(['t1', 't2', 't3']);
    // Failures count records per try: t1 and t2, then all three (t3 came during the first backoff).
    expect(seen).toEqual({ written: 3, failed: 5, dropped: 0 });
    await log.close();
  });

  it('drops, and counts, what is over the queue bound and what comes after close', async () => {
    const store = new MemoryStore();
    const log = new AuditLog({ store, hubId: 'h', logger, maxQueued: 3 });
    const seen = counts(log);
    for (let i = 0; i < 5; i++) log.record(call(i));
    await log.close();
    log.record(call(9));
    expect(store.stored).toHaveLength(3);
    expect(seen).toEqual({ written: 3, failed: 0, dropped: 3 });
  });

  it('close writes what is queued, and gives up on a store that hangs within its timeout', async () => {
    const store = new MemoryStore();
    const log = new AuditLog({ store, hubId: 'h', logger, batchDelayMs: 60_000 });
    log.record(call(1));
    await log.close();
    expect(store.stored).toHaveLength(1);

    const hanging = new MemoryStore();
    hanging.hang = true;
    const stuck = new AuditLog({ store: hanging, hubId: 'h', logger });
    const seen = counts(stuck);
    stuck.record(call(1));
    stuck.record(call(2));
    const started = Date.now();
    await stuck.close(300);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(seen.dropped).toBe(2);
  });
});
