import { ConcurrencyLimit } from '@mcp-hub/connector-kit';
import { DatabaseError } from './database-error';

/**
 * Lets at most `slots` callers in at a time and keeps at most `maxWaiting` more in a FIFO line
 * (the kit's `ConcurrencyLimit`); a caller beyond that is refused at once with a `busy`
 * {@link DatabaseError}, so a burst of runaway statements cannot queue every later call behind
 * their whole timeouts.
 */
export class ConcurrencyGate {
  private readonly limit: ConcurrencyLimit;

  constructor(
    readonly slots: number,
    readonly maxWaiting: number,
  ) {
    this.limit = new ConcurrencyLimit(slots);
  }

  /**
   * Waits for a slot and returns the function that frees it (call it exactly once).
   * @throws DatabaseError `busy` when the line is full, `cancelled` when `signal` aborts while waiting.
   */
  async enter(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) throw new DatabaseError('cancelled', 'The call was cancelled.');
    if (this.limit.full && this.limit.queued >= this.maxWaiting) {
      throw new DatabaseError(
        'busy',
        `The source is busy: ${this.slots} statement(s) running and ${this.limit.queued} waiting, the most it accepts. Try again shortly; long-running queries hold it until they finish or time out.`,
      );
    }
    try {
      return await this.limit.acquire(signal);
    } catch {
      throw new DatabaseError('cancelled', 'The call was cancelled.');
    }
  }
}
