/**
 * Limiters for `@octokit/plugin-throttling` that cost nothing on the way through, and the retry
 * of server errors that `@octokit/plugin-retry` would do.
 *
 * Both plugins schedule every request through Bottleneck limiters before it is sent (the
 * throttling plugin through its retry limiter and its global group, the retry plugin through a
 * new limiter per request). Bottleneck's in-process store yields to the event loop with
 * `setTimeout(fn, 0)` several times per job and starts each job on another `setTimeout`; Node
 * clamps each to 1 ms. Measured on this machine, two parallel GETs to a local server: 0.9 ms with
 * plain Octokit, 17.2 ms with both plugins, 5.8 ms with the throttling plugin on these limiters
 * plus the retry plugin, 0.9 ms with these limiters and the retry below instead of the plugin.
 * Bottleneck has had no release since 2019, so this cannot be fixed upstream.
 *
 * The throttling plugin takes its limiters from its options (`retryLimiter`, `global`, `auth`)
 * and uses only `schedule` and the `failed` event of them: the classes below provide exactly
 * that, with the same meaning. Its paced groups (writes, searches, notifications) stay on
 * Bottleneck, whose `minTime` spacing is the point of them.
 */

/** What Bottleneck passes to a `failed` listener, as far as the throttling plugin reads it. */
export interface FailedJobInfo {
  args: unknown[];
  retryCount: number;
}

/** A `failed` listener: the wait in ms before the job runs again, or nothing to give up. */
export type FailedListener = (error: unknown, info: FailedJobInfo) => unknown;

/**
 * Runs each job at once; when it fails, asks the `failed` listener (the plugin's rate-limit
 * handler) whether and when to run it again, as Bottleneck's retry does. When that listener
 * gives up, `otherwise` is asked (the connector's retry of server errors).
 */
export class RetryingLimiter {
  private failedListener?: FailedListener;

  constructor(private readonly otherwise?: FailedListener) {}

  on(event: string, listener: FailedListener): void {
    if (event !== 'failed') throw new Error(`RetryingLimiter has no "${event}" event`);
    this.failedListener = listener;
  }

  async schedule<T>(job: (...args: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T> {
    for (let retryCount = 0; ; retryCount++) {
      try {
        return await job(...args);
      } catch (error) {
        const info = { args, retryCount };
        const waitMs = asWait(await this.failedListener?.(error, info)) ?? asWait(await this.otherwise?.(error, info));
        if (waitMs === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }
}

function asWait(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Retries a request that failed with a server error (5xx, or a network failure, which Octokit
 * reports as 500) up to `retries` times, waiting (n+1)² × `unitMs`, as `@octokit/plugin-retry`
 * does; a request whose `request.retries` is 0 (a write that may have acted) is never retried.
 */
export function retryServerErrors(retries: number, unitMs: number): FailedListener {
  return (error, { args, retryCount }) => {
    const status = (error as { status?: unknown }).status;
    const options = args[2] as { request?: { retries?: number } } | undefined;
    const allowed = options?.request?.retries ?? retries;
    if (typeof status !== 'number' || status < 500 || retryCount >= allowed) return undefined;
    return (retryCount + 1) ** 2 * unitMs;
  };
}

/**
 * At most `maxConcurrent` jobs at once, the rest wait in order: Bottleneck's `Group` with
 * `maxConcurrent` and no `minTime`, for the plugin's `global` and `auth` groups. One limit for
 * the whole group: the plugin uses a single key per client.
 */
export class ConcurrencyGroup {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly maxConcurrent: number) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new Error('maxConcurrent must be a positive integer');
  }

  key(): this {
    return this;
  }

  async schedule<T>(_options: object, job: (...args: unknown[]) => Promise<T>, ...args: unknown[]): Promise<T> {
    // A finished job hands its slot straight to the next waiting one, so a newcomer cannot take
    // it in between and exceed the limit.
    if (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await job(...args);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * The throttling plugin's limiters for reads, as options to spread into its `throttle` options.
 * The plugin reads `retryLimiter`, `global` and `auth` from there (it merges its options into its
 * state) but does not declare them in its types; octokit-limiters.test.ts checks that a real
 * Octokit uses them, so a plugin update that stops reading them fails a test.
 */
export function readLimiters(serverErrorRetries: number, retryUnitMs: number, maxConcurrent: number): { retryLimiter: RetryingLimiter; global: ConcurrencyGroup; auth: ConcurrencyGroup } {
  return {
    retryLimiter: new RetryingLimiter(retryServerErrors(serverErrorRetries, retryUnitMs)),
    global: new ConcurrencyGroup(maxConcurrent),
    auth: new ConcurrencyGroup(1),
  };
}
