import fc from 'fast-check';
import { rateLimitWaitMs } from './rate-limit-wait';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

function wait(status: number, headers: Record<string, string>): number | undefined {
  return rateLimitWaitMs(status, new Headers(headers), NOW);
}

describe('rateLimitWaitMs', () => {
  it('reads Retry-After in seconds or as an HTTP date, never negative', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 86_400 }), (seconds) => wait(429, { 'retry-after': String(seconds) }) === seconds * 1000));
    fc.assert(
      fc.property(fc.integer({ min: -86_400, max: 86_400 }), (seconds) => {
        const date = new Date(NOW + seconds * 1000).toUTCString();
        return wait(503, { 'retry-after': date }) === Math.max(0, seconds * 1000);
      }),
    );
    expect(wait(429, { 'retry-after': 'soon' })).toBeUndefined();
  });

  it('reads a reset only when the limit is spent: nothing remaining, or a 429', () => {
    const epoch = String(NOW / 1000 + 60);
    expect(wait(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': epoch })).toBe(60_000);
    expect(wait(403, { 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': epoch })).toBeUndefined();
    expect(wait(429, { 'x-ratelimit-reset': epoch })).toBe(60_000);
    // IETF draft: delta seconds; epoch milliseconds also occur.
    expect(wait(429, { 'ratelimit-remaining': '0', 'ratelimit-reset': '7' })).toBe(7000);
    expect(wait(429, { 'x-ratelimit-reset': String(NOW + 1500) })).toBe(1500);
    expect(wait(429, { 'x-ratelimit-reset': String(NOW / 1000 - 5) })).toBe(0);
  });

  it('prefers Retry-After over a reset', () => {
    expect(wait(429, { 'retry-after': '2', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 60) })).toBe(2000);
  });

  it('says nothing when no header does', () => {
    expect(wait(429, {})).toBeUndefined();
    expect(wait(503, { 'x-ratelimit-remaining': '0' })).toBeUndefined();
  });
});
