import fc from 'fast-check';
import { backoffDelayMs } from './backoff-delay';

describe('backoffDelayMs', () => {
  it('draws from zero up to a doubling ceiling, capped', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const ceiling = Math.min(1000, 100 * 2 ** (attempt - 1));
        const delay = backoffDelayMs(attempt, policy, () => r);
        return delay >= 0 && delay < ceiling;
      }),
    );
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
  });
});
