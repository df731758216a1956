import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimit, RateLimitSettings } from './rate-limit-settings';

/** Where counters live: this process (embedded, one replica), or Redis shared by every hub replica. */
export type RateLimitStore = { kind: 'memory' } | { kind: 'redis'; client: Redis; keyPrefix: string };

export type RateLimitOutcome = { allowed: true } | { allowed: false; limit: 'principal_tool' | 'connector'; retryAfterMs: number };

export interface ToolRateLimitsOptions {
  settings: RateLimitSettings;
  store: RateLimitStore;
  logger: Logger;
}

/**
 * Counts tool calls per principal × tool and per connector (rate-limiter-flexible). With Redis,
 * every hub replica counts in the same keys, so a principal cannot multiply its limit by the
 * number of replicas. If Redis fails, each replica falls back to counting in its own memory
 * (the library's insurance limiter) rather than refusing every call or letting every call pass.
 */
export class ToolRateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private warnedStoreDown = false;

  constructor(private readonly options: ToolRateLimitsOptions) {}

  /** Counts one call of `tool` (`<connector>_<tool>`) by `principalId`; over a limit, says when to retry. */
  async consume(principalId: string, connector: string, tool: string): Promise<RateLimitOutcome> {
    const { settings } = this.options;
    const own = settings.connectors[connector];
    const perPrincipalTool = own?.perPrincipalTool ?? settings.perPrincipalTool;
    const perConnector = own?.perConnector ?? settings.perConnector;
    const principalToolKey = JSON.stringify([principalId, tool]);
    this.noteStoreStatus();
    if (perPrincipalTool) {
      const refused = await this.take(this.limiter('principal-tool', connector, perPrincipalTool), principalToolKey);
      if (refused !== undefined) return { allowed: false, limit: 'principal_tool', retryAfterMs: refused };
    }
    if (perConnector) {
      const refused = await this.take(this.limiter('connector', connector, perConnector), connector);
      if (refused !== undefined) {
        // The call does not run: give back the point it took from the principal's own limit.
        if (perPrincipalTool) await this.limiter('principal-tool', connector, perPrincipalTool).reward(principalToolKey, 1).catch(() => undefined);
        return { allowed: false, limit: 'connector', retryAfterMs: refused };
      }
    }
    return { allowed: true };
  }

  /** The library switches to the insurance limiter silently: say so once per outage, not once per call. */
  private noteStoreStatus(): void {
    const { store, logger } = this.options;
    if (store.kind !== 'redis') return;
    const ready = store.client.status === 'ready';
    if (!ready && !this.warnedStoreDown) logger.warn('rate limits: Redis unreachable, each hub replica counts on its own until it is back');
    this.warnedStoreDown = !ready;
  }

  /** Takes a point; the ms until one is free when there is none. */
  private async take(limiter: RateLimiterAbstract, key: string): Promise<number | undefined> {
    try {
      await limiter.consume(key);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
      throw rejection;
    }
  }

  /** One limiter per kind, connector and setting (connectors may have settings of their own). */
  private limiter(kind: 'principal-tool' | 'connector', connector: string, limit: RateLimit): RateLimiterAbstract {
    const name = `${kind}:${connector}:${limit.points}:${limit.durationSeconds}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = this.create(kind, limit);
      this.limiters.set(name, limiter);
    }
    return limiter;
  }

  private create(kind: string, limit: RateLimit): RateLimiterAbstract {
    const { store } = this.options;
    const base = { points: limit.points, duration: limit.durationSeconds };
    if (store.kind === 'memory') return new RateLimiterMemory({ ...base, keyPrefix: kind });
    const insurance = new RateLimiterMemory({ ...base, keyPrefix: kind });
    return new RateLimiterRedis({
      ...base,
      storeClient: store.client,
      // Counters of two settings must not share a key, or changing a limit would inherit old counts.
      keyPrefix: `${store.keyPrefix}:${kind}:${limit.points}:${limit.durationSeconds}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: insurance,
    });
  }
}
