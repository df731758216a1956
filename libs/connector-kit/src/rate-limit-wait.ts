/**
 * How long an upstream asked its client to stay away, in milliseconds, read from a response's
 * headers; undefined when no header says. Never negative.
 *
 * - `Retry-After`, in delay-seconds or as an HTTP date (RFC 9110 §10.2.3), wins when present.
 * - Otherwise `RateLimit-Reset` (IETF httpapi draft) or `X-RateLimit-Reset` (GitHub and most
 *   REST APIs), but only when the response says the limit is spent: its matching `…-Remaining`
 *   header is `0`, or the status is 429. A reset alone on a 403 is a quota report, not a refusal.
 *   A reset of at least 10^12 is an epoch time in milliseconds, of at least 10^9 an epoch time
 *   in seconds (GitHub), and anything smaller a delay in seconds (the IETF draft).
 *
 * @param now epoch milliseconds the dates are measured from
 */
export function rateLimitWaitMs(status: number, headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const wait = retryAfterMs(retryAfter, now);
    if (wait !== undefined) return wait;
  }
  for (const prefix of ['ratelimit', 'x-ratelimit']) {
    const reset = headers.get(`${prefix}-reset`);
    if (reset === null) continue;
    const spent = status === 429 || headers.get(`${prefix}-remaining`)?.trim() === '0';
    const wait = spent ? resetMs(reset, now) : undefined;
    if (wait !== undefined) return wait;
  }
  return undefined;
}

const DECIMAL = /^\d{1,15}(?:\.\d{1,6})?$/;

function retryAfterMs(value: string, now: number): number | undefined {
  const text = value.trim();
  if (DECIMAL.test(text)) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function resetMs(value: string, now: number): number | undefined {
  const text = value.trim();
  if (!DECIMAL.test(text)) return undefined;
  const reset = Number(text);
  if (reset >= 1e12) return Math.max(0, Math.ceil(reset - now));
  if (reset >= 1e9) return Math.max(0, Math.ceil(reset * 1000 - now));
  return Math.ceil(reset * 1000);
}
