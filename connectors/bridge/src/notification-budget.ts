/**
 * A token bucket: at most `perSecond` notifications a second on average, bursts up to one
 * second's worth. An upstream that floods progress or resource updates costs the bus and the
 * hub no more than that; what is over budget is dropped (progress is advisory, and a resource
 * update says only "read me again").
 */
export class NotificationBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = perSecond;
    this.last = now();
  }

  /** True when one more notification may go out now. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
