import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type IdempotencyClaim, type IdempotencyState, type IdempotencyStore } from './idempotency';

/**
 * Claim in one step on the server: a hash per key with the request hash `h`, the claim's lease
 * end `t` and, once done, the result `r`. ARGV: request hash, lease end, now, TTL. Returns the
 * state and, when completed, the result.
 */
const CLAIM = `
local v = redis.call('HMGET', KEYS[1], 'h', 'r', 't')
if not v[1] then
  redis.call('HSET', KEYS[1], 'h', ARGV[1], 't', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'acquired'}
end
if v[1] ~= ARGV[1] then return {'mismatch'} end
if v[2] then return {'completed', v[2]} end
if tonumber(v[3]) >= tonumber(ARGV[3]) then return {'in_progress'} end
redis.call('HSET', KEYS[1], 't', ARGV[2])
return {'acquired'}
`;

/** Frees a claim only while it has no result (a completed key must stay) and is still this claim (same lease end). */
const RELEASE = `
if redis.call('HEXISTS', KEYS[1], 'r') == 0 and redis.call('HGET', KEYS[1], 't') == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

export interface RedisIdempotencyStoreOptions {
  /** A connected client; the caller owns and closes it. */
  redis: Redis;
  /** Key prefix, e.g. `mcphub:idempotency:database` (namespace and connector). */
  prefix: string;
  /** How long a key is remembered, ms. Default 24 h. */
  ttlMs?: number;
}

/**
 * Idempotency keys in Redis, shared by every replica that uses the same server and prefix: a
 * retry that the queue group hands to another replica sees the first claim. Keys expire after
 * `ttlMs`. The key names hash the principal, tool and key, so no client text becomes a Redis key.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly ttlMs: number;

  constructor(private readonly options: RedisIdempotencyStoreOptions) {
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  }

  async claimIdempotencyKey(claim: IdempotencyClaim, signal?: AbortSignal): Promise<IdempotencyState> {
    signal?.throwIfAborted();
    const reply = (await this.options.redis.eval(CLAIM, 1, this.keyOf(claim), claim.requestHash, claim.leaseUntil, Date.now(), this.ttlMs)) as [string, string?];
    const [state, result] = reply;
    if (state === 'completed') return { state, result: result! };
    if (state === 'acquired' || state === 'in_progress' || state === 'mismatch') return { state };
    throw new Error(`unexpected idempotency state from Redis: ${state}`);
  }

  async completeIdempotencyKey(claim: IdempotencyClaim, result: string): Promise<void> {
    const key = this.keyOf(claim);
    await this.options.redis.multi().hset(key, 'r', result).pexpire(key, this.ttlMs).exec();
  }

  async releaseIdempotencyKey(claim: IdempotencyClaim): Promise<void> {
    await this.options.redis.eval(RELEASE, 1, this.keyOf(claim), claim.leaseUntil);
  }

  private keyOf(claim: IdempotencyClaim): string {
    const digest = createHash('sha256').update(JSON.stringify([claim.principal, claim.tool, claim.key])).digest('hex');
    return `${this.options.prefix}:${digest}`;
  }
}
