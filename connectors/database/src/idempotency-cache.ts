import { ToolError } from '@mcp-hub/connector-kit';

interface Entry {
  fingerprint: string;
  at: number;
  result: unknown;
}

/**
 * Remembers the results of writes by idempotency key, so that a retried call returns the first
 * result instead of writing twice. Per replica, in memory, bounded (1000 keys, 24 h).
 */
export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity = 1000,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {}

  /** The earlier result for `key`, or undefined. @throws ToolError conflict when the key was used for a different call. */
  get<T>(key: string, fingerprint: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry || Date.now() - entry.at > this.ttlMs) return undefined;
    if (entry.fingerprint !== fingerprint) throw new ToolError('conflict', 'This idempotency key was already used for a different statement or parameters.');
    return entry.result as T;
  }

  set(key: string, fingerprint: string, result: unknown): void {
    this.entries.delete(key);
    this.entries.set(key, { fingerprint, at: Date.now(), result });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
