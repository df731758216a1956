import { DatabaseError } from './database-error';

/**
 * Lets at most `slots` callers in at a time and keeps at most `maxWaiting` more in a FIFO line;
 * a caller beyond that is refused at once with a `busy` {@link DatabaseError}, so a burst of
 * runaway statements cannot queue every later call behind their whole timeouts.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly line: Array<{ admit(): void; signal: AbortSignal }> = [];

  constructor(
    readonly slots: number,
    readonly maxWaiting: number,
  ) {}

  /**
   * Waits for a slot and returns the function that frees it (call it exactly once).
   * @throws DatabaseError `busy` when the line is full, `cancelled` when `signal` aborts while waiting.
   */
  async enter(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) throw new DatabaseError('cancelled', 'The call was cancelled.');
    if (this.active < this.slots) {
      this.active++;
      return this.leaver();
    }
    if (this.line.length >= this.maxWaiting) {
      throw new DatabaseError(
        'busy',
        `The source is busy: ${this.active} statement(s) running and ${this.line.length} waiting, the most it accepts. Try again shortly; long-running queries hold it until they finish or time out.`,
      );
    }
    return new Promise((resolve, reject) => {
      const entry = {
        signal,
        admit: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.leaver());
        },
      };
      const onAbort = () => {
        const index = this.line.indexOf(entry);
        if (index >= 0) this.line.splice(index, 1);
        reject(new DatabaseError('cancelled', 'The call was cancelled.'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.line.push(entry);
    });
  }

  private leaver(): () => void {
    let left = false;
    return () => {
      if (left) return;
      left = true;
      // The slot passes straight to the next in line, so `active` never drops below a waiting caller.
      const next = this.line.shift();
      if (next) next.admit();
      else this.active--;
    };
  }
}
