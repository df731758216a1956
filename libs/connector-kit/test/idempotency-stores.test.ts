import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { InMemoryIdempotencyStore } from '../src/in-memory-idempotency-store';
import { RedisIdempotencyStore } from '../src/redis-idempotency-store';
import { describeIdempotencyStoreBehaviour } from '../src/testing/idempotency-store-behaviour';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describeIdempotencyStoreBehaviour('in-memory', async () => {
  const store = new InMemoryIdempotencyStore();
  return { first: store, second: store, close: async () => undefined };
});

describeIdempotencyStoreBehaviour('Redis', async () => {
  // Two clients, as two replicas would have; a prefix of this run's own.
  const prefix = `mcphub-test:idempotency:${randomBytes(4).toString('hex')}`;
  const a = new Redis(REDIS_URL, { lazyConnect: true });
  const b = new Redis(REDIS_URL, { lazyConnect: true });
  await Promise.all([a.connect(), b.connect()]);
  return {
    first: new RedisIdempotencyStore({ redis: a, prefix }),
    second: new RedisIdempotencyStore({ redis: b, prefix }),
    close: async () => {
      const keys = await a.keys(`${prefix}:*`);
      if (keys.length > 0) await a.del(...keys);
      a.disconnect();
      b.disconnect();
    },
  };
});
