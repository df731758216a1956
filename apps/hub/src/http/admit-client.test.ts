import fc from 'fast-check';
import { admitClient, type HeldByClient } from './admit-client';

const held = (clientKey: string, lastActivity: number): HeldByClient => ({ clientKey, lastActivity });
const limits = { total: 4, perClient: 2, retryAfterMs: 30_000 };

describe('admitClient', () => {
  it('refuses a client at its own limit, with the time until its idlest entry may be reclaimed', () => {
    const entries = [held('a', 1000), held('a', 2000)];
    expect(admitClient(entries, 'a', limits, 5000)).toEqual({ admitted: false, retryAfterMs: 30_000 });
    expect(admitClient(entries, 'a', { ...limits, reclaimIdleMs: 10_000 }, 5000)).toEqual({ admitted: false, retryAfterMs: 6000 });
    expect(admitClient(entries, 'a', { ...limits, reclaimIdleMs: 10_000 }, 11_000)).toEqual({ admitted: true, evict: entries[0] });
    expect(admitClient(entries, 'b', limits, 5000)).toEqual({ admitted: true });
  });

  it('evicts the idlest entry of the client holding the most when the table is full', () => {
    const entries = [held('a', 5), held('b', 1), held('b', 6), held('c', 0)];
    expect(admitClient(entries, 'd', { ...limits, perClient: 3 }, 10)).toEqual({ admitted: true, evict: entries[1] });
  });

  it('never lets the table grow past its total nor a client past its limit', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ clientKey: fc.constantFrom('a', 'b', 'c', 'd'), lastActivity: fc.nat(100) }), { maxLength: 4 }), fc.constantFrom('a', 'b', 'c', 'd', 'e'), (entries, key) => {
        const own = entries.filter((e) => e.clientKey === key).length;
        const decision = admitClient(entries, key, limits, 200);
        if (!decision.admitted) return own >= limits.perClient;
        const after = entries.length + 1 - (decision.evict ? 1 : 0);
        return after <= limits.total && own + 1 - (decision.evict?.clientKey === key ? 1 : 0) <= limits.perClient;
      }),
    );
  });
});
