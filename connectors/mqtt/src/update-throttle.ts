/**
 * Sends a resource's `resources/updated` at most once per `intervalMs`, so a sensor publishing a
 * hundred times a second cannot flood the clients subscribed to its topic. The first change is
 * sent at once; changes within the interval are folded into one sent when it ends, so the last
 * change always reaches subscribers (who then read the latest value).
 *
 * The throttle is per resource, and each update goes to every session subscribed to it, so no
 * subscription receives more than one update per interval from a replica.
 */
export class UpdateThrottle {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly send: (uri: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  changed(uri: string): void {
    if (this.stopped || this.pending.has(uri)) return;
    const wait = (this.lastSent.get(uri) ?? -Infinity) + this.intervalMs - this.now();
    if (wait <= 0) return this.fire(uri);
    this.pending.set(
      uri,
      setTimeout(() => {
        this.pending.delete(uri);
        this.fire(uri);
      }, wait).unref(),
    );
  }

  /** Drops pending updates; later changes are ignored. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private fire(uri: string): void {
    if (this.stopped) return;
    this.lastSent.set(uri, this.now());
    this.send(uri);
  }
}
