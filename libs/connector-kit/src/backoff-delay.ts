/** How an upstream call backs off between tries when the upstream did not say how long to wait. */
export interface BackoffPolicy {
  /** The ceiling of the first wait, in milliseconds; it doubles with every try. */
  baseDelayMs: number;
  /** The largest ceiling, in milliseconds. */
  maxDelayMs: number;
}

/**
 * The wait before try `attempt + 1`, in milliseconds: "full jitter", a uniform draw between 0
 * and `min(maxDelayMs, baseDelayMs × 2^(attempt − 1))`. Drawing over the whole range spreads
 * the retries of many callers that failed together better than any fixed or equal-jitter
 * schedule (AWS Architecture Blog, "Exponential Backoff And Jitter").
 *
 * @param attempt the try that just failed, from 1
 * @param random a source of uniform numbers in [0, 1)
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
