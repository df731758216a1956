import type { IdempotencyClaim, IdempotencyStore } from '../idempotency';

/**
 * One behaviour suite for every {@link IdempotencyStore}: the kit's memory and Redis stores and
 * each connector's own database-backed store run it. `open` gives two handles on the same store
 * (two replicas); `reset` empties it between tests.
 */
export function describeIdempotencyStoreBehaviour(
  name: string,
  open: () => Promise<{ first: IdempotencyStore; second: IdempotencyStore; close(): Promise<void> }>,
): void {
  describe(`${name} idempotency store`, () => {
    let stores: Awaited<ReturnType<typeof open>>;
    let n = 0;
    beforeAll(async () => {
      stores = await open();
    });
    afterAll(() => stores?.close());
    const claim = (overrides: Partial<IdempotencyClaim> = {}): IdempotencyClaim => ({
      principal: 'alice',
      tool: 'create_ticket',
      key: `key-${process.pid}-${Date.now()}-${n++}`,
      requestHash: 'hash-1',
      leaseUntil: Date.now() + 60_000,
      ...overrides,
    });

    it('gives a key to the first claim, and its result to every later one, on any replica', async () => {
      const c = claim();
      expect(await stores.first.claimIdempotencyKey(c)).toEqual({ state: 'acquired' });
      expect(await stores.second.claimIdempotencyKey(c)).toEqual({ state: 'in_progress' });
      await stores.first.completeIdempotencyKey(c, '{"ok":1}');
      expect(await stores.second.claimIdempotencyKey(c)).toEqual({ state: 'completed', result: '{"ok":1}' });
      expect(await stores.first.claimIdempotencyKey(c)).toEqual({ state: 'completed', result: '{"ok":1}' });
    });

    it('refuses a key reused with other arguments, and keeps keys apart by principal and tool', async () => {
      const c = claim();
      await stores.first.claimIdempotencyKey(c);
      expect(await stores.second.claimIdempotencyKey({ ...c, requestHash: 'hash-2' })).toEqual({ state: 'mismatch' });
      expect(await stores.second.claimIdempotencyKey({ ...c, principal: 'bob' })).toEqual({ state: 'acquired' });
      expect(await stores.second.claimIdempotencyKey({ ...c, tool: 'update_ticket' })).toEqual({ state: 'acquired' });
    });

    it('frees a released claim for a retry, but never a completed one', async () => {
      const c = claim();
      await stores.first.claimIdempotencyKey(c);
      await stores.first.releaseIdempotencyKey(c);
      expect(await stores.second.claimIdempotencyKey(c)).toEqual({ state: 'acquired' });
      await stores.second.completeIdempotencyKey(c, '"done"');
      await stores.first.releaseIdempotencyKey(c);
      expect(await stores.first.claimIdempotencyKey(c)).toEqual({ state: 'completed', result: '"done"' });
    });

    it('lets exactly one of many concurrent claims on several replicas act', async () => {
      const c = claim();
      const states = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? stores.first : stores.second).claimIdempotencyKey(c)));
      expect(states.filter((s) => s.state === 'acquired')).toHaveLength(1);
      expect(states.filter((s) => s.state === 'in_progress')).toHaveLength(19);
    });

    it('lets a retry take over a claim only once its lease ran out (the replica died mid-write)', async () => {
      const c = claim();
      await stores.first.claimIdempotencyKey(c);
      // A retry within the first call's lease must wait: the call may still be acting.
      expect(await stores.second.claimIdempotencyKey({ ...c, leaseUntil: Date.now() + 90_000 })).toEqual({ state: 'in_progress' });
      const expired = claim({ leaseUntil: Date.now() - 1 });
      await stores.first.claimIdempotencyKey(expired);
      const retry = { ...expired, leaseUntil: Date.now() + 60_000 };
      expect(await stores.second.claimIdempotencyKey(retry)).toEqual({ state: 'acquired' });
      expect(await stores.first.claimIdempotencyKey({ ...expired, leaseUntil: Date.now() + 60_000 })).toEqual({ state: 'in_progress' });
    });

    it("does not let a failing first call free the claim a retry took over", async () => {
      const first = claim({ leaseUntil: Date.now() - 1 });
      await stores.first.claimIdempotencyKey(first);
      const retry = { ...first, leaseUntil: Date.now() + 60_000 };
      expect(await stores.second.claimIdempotencyKey(retry)).toEqual({ state: 'acquired' });
      await stores.first.releaseIdempotencyKey(first);
      expect(await stores.first.claimIdempotencyKey({ ...first, leaseUntil: Date.now() + 60_000 })).toEqual({ state: 'in_progress' });
    });
  });
}
