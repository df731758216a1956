import { type IdempotencyClaim, type IdempotencyState, type IdempotencyStore } from './idempotency';

interface Entry {
  requestHash: string;
  result?: string;
  /** When the entry was made (for the TTL). */
  createdAt: number;
  leaseUntil: number;
}

/**
 * Idempotency keys in this process's memory: right for one replica (the embedded mode, tests),
 * wrong behind a queue group of several (use a shared store there). Completed keys are kept for
 * `ttlMs`, at most `capacity` of them (oldest dropped first).
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly capacity = 10_000,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
  ) {}

  async claimIdempotencyKey(claim: IdempotencyClaim, signal?: AbortSignal): Promise<IdempotencyState> {
    signal?.throwIfAborted();
    const id = keyOf(claim);
    const now = Date.now();
    const entry = this.entries.get(id);
    if (!entry || now - entry.createdAt > this.ttlMs) {
      this.set(id, { requestHash: claim.requestHash, createdAt: now, leaseUntil: claim.leaseUntil });
      return { state: 'acquired' };
    }
    if (entry.requestHash !== claim.requestHash) return { state: 'mismatch' };
    if (entry.result !== undefined) return { state: 'completed', result: entry.result };
    if (entry.leaseUntil >= now) return { state: 'in_progress' };
    entry.leaseUntil = claim.leaseUntil;
    return { state: 'acquired' };
  }

  async completeIdempotencyKey(claim: IdempotencyClaim, result: string): Promise<void> {
    const entry = this.entries.get(keyOf(claim));
    if (entry) entry.result = result;
  }

  async releaseIdempotencyKey(claim: IdempotencyClaim): Promise<void> {
    const id = keyOf(claim);
    const entry = this.entries.get(id);
    if (entry && entry.result === undefined && entry.leaseUntil === claim.leaseUntil) this.entries.delete(id);
  }

  private set(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

function keyOf(claim: IdempotencyClaim): string {
  return JSON.stringify([claim.principal, claim.tool, claim.key]);
}
