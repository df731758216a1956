import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { SessionRecordSchema, SessionStoreUnavailable, type SessionRecord, type SessionStore, type StoredSession } from './session-store';

/** Every Redis key and channel of the session store, built here only. */
const keys = {
  session: (id: string) => `mcphub:v1:session:${id}`,
  subscriptions: (id: string) => `mcphub:v1:session:${id}:subscriptions`,
  /** A random value that disappears with the data: its absence after a reconnect means the content was lost. */
  epoch: 'mcphub:v1:sessions:epoch',
  endedChannel: 'mcphub:v1:sessions:ended',
};

/** Returns the stored epoch, setting ARGV[1] first when there is none. */
const EPOCH_SCRIPT = `local v = redis.call('GET', KEYS[1]) if v then return v end redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1]`;

/** Extends a live session (KEYS: hash, subscriptions; ARGV: ttl, now); returns 0 when it is gone. */
const TOUCH_SCRIPT = `if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'lastActivity', ARGV[2])
return 1`;

export interface RedisSessionStoreOptions {
  url: string;
  /** How long a session lives after its last touch. */
  ttlMs: number;
  logger: Logger;
  /** How long `connect` waits for the first connection before starting degraded. Default 10 000 ms. */
  connectTimeoutMs?: number;
}

/**
 * Sessions shared by hub replicas in Redis: a hash per session (the initialize record, last
 * activity) and a set of subscribed URIs, both expiring `ttlMs` after the last touch; ends are
 * published on a channel every replica listens to.
 *
 * Commands fail fast while Redis is unreachable (no offline queue), so a request never waits on
 * a dead Redis; after a reconnect the store reports whether its content survived.
 */
export class RedisSessionStore implements SessionStore {
  private readonly events = new EventEmitter<{ ended: [string]; recovered: [boolean] }>();
  private epoch?: string;
  private wasReady = false;
  /** Settles once the ended-sessions channel is subscribed for the first time. */
  subscribed!: Promise<void>;
  private down = false;
  /** Set by close(): the connection ending then is not an outage. */
  private closing = false;

  private constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisSessionStoreOptions,
  ) {}

  /** Connects both connections; if Redis is not up within the timeout, starts anyway and keeps retrying. */
  static async connect(options: RedisSessionStoreOptions): Promise<RedisSessionStore> {
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 2000,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
    };
    const redis = new Redis(options.url, { ...common, connectionName: 'mcp-hub-sessions' });
    const subscriber = new Redis(options.url, { ...common, connectionName: 'mcp-hub-sessions-events', autoResubscribe: true });
    const store = new RedisSessionStore(redis, subscriber, options);
    store.watch();
    // Ready means able to hear ended sessions too: wait for the channel subscription itself.
    const ready = Promise.all([once(redis, 'ready'), store.subscribed]);
    redis.connect().catch(() => undefined);
    subscriber.connect().catch(() => undefined);
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const started = await Promise.race([ready.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref())]);
    if (!started) options.logger.warn({ timeoutMs }, 'session store (Redis) not reachable yet: starting without it, new sessions stay local until it is');
    return store;
  }

  async create(id: string, record: SessionRecord): Promise<void> {
    const now = Date.now();
    await this.run(async () =>
      values(
        await this.redis
          .multi()
          .hset(keys.session(id), { record: JSON.stringify(record), lastActivity: now })
          .pexpire(keys.session(id), this.options.ttlMs)
          .exec(),
      ),
    );
  }

  async get(id: string): Promise<StoredSession | undefined> {
    const [record, subscriptions] = (await this.run(async () =>
      values(await this.redis.pipeline().hget(keys.session(id), 'record').smembers(keys.subscriptions(id)).exec()),
    )) as [string | null, string[]];
    if (record === null) return undefined;
    return { record: SessionRecordSchema.parse(JSON.parse(record)), subscriptions };
  }

  async touch(id: string): Promise<boolean> {
    const alive = await this.run(() => this.redis.eval(TOUCH_SCRIPT, 2, keys.session(id), keys.subscriptions(id), this.options.ttlMs, Date.now()));
    return alive === 1;
  }

  async idleFor(id: string): Promise<number | undefined> {
    const last = await this.run(() => this.redis.hget(keys.session(id), 'lastActivity'));
    return last === null ? undefined : Math.max(0, Date.now() - Number(last));
  }

  async end(id: string): Promise<void> {
    await this.run(async () => values(await this.redis.multi().del(keys.session(id), keys.subscriptions(id)).publish(keys.endedChannel, id).exec()));
  }

  async addSubscription(id: string, uri: string): Promise<void> {
    await this.run(async () => values(await this.redis.multi().sadd(keys.subscriptions(id), uri).pexpire(keys.subscriptions(id), this.options.ttlMs).exec()));
  }

  async removeSubscription(id: string, uri: string): Promise<void> {
    await this.run(() => this.redis.srem(keys.subscriptions(id), uri));
  }

  async subscribedAmong(uri: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.sismember(keys.subscriptions(id), uri);
    const members = (await this.run(async () => values(await pipeline.exec()))) as number[];
    return new Set(ids.filter((_, i) => members[i] === 1));
  }

  async restore(id: string, session: StoredSession): Promise<void> {
    const multi = this.redis
      .multi()
      .hsetnx(keys.session(id), 'record', JSON.stringify(session.record))
      .hset(keys.session(id), 'lastActivity', Date.now())
      .pexpire(keys.session(id), this.options.ttlMs);
    if (session.subscriptions.length > 0) {
      multi.sadd(keys.subscriptions(id), ...session.subscriptions).pexpire(keys.subscriptions(id), this.options.ttlMs);
    }
    await this.run(async () => values(await multi.exec()));
  }

  onEnded(listener: (id: string) => void): void {
    this.events.on('ended', listener);
  }

  onRecovered(listener: (lost: boolean) => void): void {
    this.events.on('recovered', listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.redis.disconnect();
    this.subscriber.disconnect();
  }

  private watch(): void {
    const { logger } = this.options;
    for (const connection of [this.redis, this.subscriber]) {
      // ioredis reports every failed reconnect attempt; the status log below says it once.
      connection.on('error', () => undefined);
    }
    this.redis.on('close', () => {
      if (this.wasReady && !this.down && !this.closing) logger.warn('session store (Redis) connection lost: serving held sessions, 503 for others');
      this.down = true;
    });
    this.redis.on('ready', () => void this.onReady());
    this.subscribed = new Promise<void>((resolve) => {
      this.subscriber.on('ready', () => {
        this.subscriber.subscribe(keys.endedChannel).then(
          () => resolve(),
          (error) => logger.warn({ err: error }, 'session end channel subscribe failed'),
        );
      });
    });
    this.subscriber.on('message', (channel: string, id: string) => {
      if (channel === keys.endedChannel) this.events.emit('ended', id);
    });
  }

  private async onReady(): Promise<void> {
    try {
      const stored = (await this.redis.eval(EPOCH_SCRIPT, 1, keys.epoch, randomUUID())) as string;
      const lost = this.epoch !== undefined && stored !== this.epoch;
      this.epoch = stored;
      const reconnected = this.wasReady;
      this.wasReady = true;
      this.down = false;
      if (reconnected) this.options.logger.info({ lost }, lost ? 'session store (Redis) back, its content was lost: restoring held sessions' : 'session store (Redis) back');
      // Also on the first connection: sessions opened while Redis was not yet reachable are
      // held here only, and must be written now or other replicas would answer them with 404.
      this.events.emit('recovered', lost);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'session store (Redis) epoch check failed');
    }
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new SessionStoreUnavailable(`session store (Redis) unavailable: ${(error as Error).message}`, { cause: error });
    }
  }
}

/** The replies of a pipeline or transaction, throwing the first error. */
function values(results: Array<[Error | null, unknown]> | null): unknown[] {
  if (!results) throw new SessionStoreUnavailable('session store (Redis) transaction aborted');
  return results.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}

function once(emitter: Redis, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}
