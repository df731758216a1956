import { Redis } from 'ioredis';
import { RevocationListUnavailable, type RevocationList } from './revocation-list';

export interface RedisRevocationListOptions {
  url: string;
  /** First part of every key. Default `mcphub:v1:` (the session store's). */
  keyPrefix?: string;
}

/**
 * The revocation list every hub replica shares: one key per revoked token id, expiring with the
 * token. Commands fail fast (2 s, no offline queue): while Redis is unreachable a token cannot be
 * shown not to be revoked, so the caller refuses it (503) rather than letting it through.
 */
export class RedisRevocationList implements RevocationList {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisRevocationListOptions) {
    this.prefix = `${options.keyPrefix ?? 'mcphub:v1:'}revoked:`;
    this.redis = new Redis(options.url, {
      lazyConnect: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      connectionName: 'mcp-hub-revocations',
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
    });
    this.redis.on('error', () => undefined); // reported per command, as RevocationListUnavailable
  }

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    const ttlMs = Math.max(1000, expiresAt - Date.now());
    await this.command(() => this.redis.set(this.key(tokenId), '1', 'PX', ttlMs));
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return (await this.command(() => this.redis.exists(this.key(tokenId)))) === 1;
  }

  async close(): Promise<void> {
    // Not connected: quit would wait in the offline queue while the client keeps reconnecting.
    if (this.redis.status !== 'ready') return this.redis.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private key(tokenId: string): string {
    return this.prefix + tokenId;
  }

  private async command<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new RevocationListUnavailable(`revocation list unreachable: ${(error as Error).message}`);
    }
  }
}
