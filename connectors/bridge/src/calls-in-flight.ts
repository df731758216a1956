import type { HandlerContext } from '@mcp-hub/connector-kit';

/**
 * The hub calls that have a request open on the upstream right now, so that a request the
 * upstream sends back (elicitation, sampling, roots) can be asked of the right client.
 *
 * A 2025-11-25 upstream does not say on the wire which of our requests it is asking about: the
 * SDK's `relatedRequestId` only picks the HTTP response stream, and stdio has one stream. So an
 * upstream's request belongs to a call only when exactly one call is in flight. With none, or
 * several, the bridge cannot tell whose client to ask, and asking the wrong one would show one
 * person another's question (decision 0007).
 */
export class CallsInFlight {
  private readonly open = new Map<HandlerContext, number>();

  /** Marks `ctx` as having a request open upstream until the returned function is called (once). */
  enter(ctx: HandlerContext): () => void {
    this.open.set(ctx, (this.open.get(ctx) ?? 0) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      const count = (this.open.get(ctx) ?? 1) - 1;
      if (count > 0) this.open.set(ctx, count);
      else this.open.delete(ctx);
    };
  }

  /** The call the upstream's request belongs to, or why none can be named. */
  owner(): { ctx: HandlerContext } | { problem: string } {
    if (this.open.size === 1) return { ctx: this.open.keys().next().value as HandlerContext };
    if (this.open.size === 0) return { problem: 'no call is in flight on the upstream, so there is no client to ask' };
    return { problem: `${this.open.size} calls are in flight on the upstream and a 2025-11-25 request does not say which one it belongs to` };
  }
}
