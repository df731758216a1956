import type { CallOutcome, HubOperation } from '../metrics/hub-metrics';

/** One forwarded call as the admin page lists it: names from the live inventory, never arguments. */
export interface RecentCall {
  /** Epoch ms when the call ended. */
  at: number;
  connector: string;
  operation: HubOperation;
  /** The tool's client-visible name; empty for resource reads and prompt gets. */
  tool: string;
  outcome: CallOutcome;
  ms: number;
}

/**
 * The last calls this hub replica forwarded, newest first, in a fixed-size ring: recording is
 * O(1) on the call path and memory is bounded whatever the traffic.
 */
export class RecentCalls {
  private readonly ring: (RecentCall | undefined)[];
  private next = 0;

  constructor(readonly capacity = 100) {
    this.ring = new Array<RecentCall | undefined>(capacity);
  }

  record(call: RecentCall): void {
    this.ring[this.next] = call;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  list(): RecentCall[] {
    const calls: RecentCall[] = [];
    for (let i = 1; i <= this.capacity; i++) {
      const call = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (call) calls.push(call);
    }
    return calls;
  }
}
