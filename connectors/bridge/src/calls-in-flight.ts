import { AsyncLocalStorage } from 'node:async_hooks';
import type { HandlerContext } from '@mcp-hub/connector-kit';

/**
 * The hub calls that have a request open on the upstream right now, so that a request the
 * upstream sends back (elicitation, sampling, roots) is asked of the right call's client.
 *
 * A 2025-11-25 upstream does not say on the wire which of our requests it asks about (the SDK's
 * `relatedRequestId` only picks the HTTP response stream). Two ways to know (decision 0009):
 * - **HTTP**: the upstream sends the request on the response stream of our POST, and the SDK
 *   client reads that stream in the async context of the send, so the request's handler runs in
 *   it: {@link within} runs each send in an `AsyncLocalStorage` context holding its call.
 * - **stdio** (one stream for everything, read outside any call): a request belongs to a call
 *   only when exactly one call is in flight. With none or several, no call is named: asking the
 *   wrong client would show one person another's question.
 */
export class CallsInFlight {
  private readonly open = new Map<HandlerContext, number>();
  private readonly context = new AsyncLocalStorage<HandlerContext>();

  /** Runs `send` as a request of `ctx`: in flight until it settles, and in `ctx`'s async context. */
  async within<T>(ctx: HandlerContext, send: () => Promise<T>): Promise<T> {
    this.open.set(ctx, (this.open.get(ctx) ?? 0) + 1);
    try {
      return await this.context.run(ctx, send);
    } finally {
      const count = (this.open.get(ctx) ?? 1) - 1;
      if (count > 0) this.open.set(ctx, count);
      else this.open.delete(ctx);
    }
  }

  /**
   * Runs `connect` outside any call's context. A connection may be opened by a waiting call or a
   * timer a call set; its streams must not carry that call, or every later request on them would
   * look like that call's.
   */
  outside<T>(connect: () => T): T {
    return this.context.exit(connect);
  }

  /** The call the upstream's request belongs to (call it in the request handler's context), or why none can be named. */
  owner(): { ctx: HandlerContext } | { problem: string } {
    const current = this.context.getStore();
    if (current && this.open.has(current)) return { ctx: current };
    if (this.open.size === 1) return { ctx: this.open.keys().next().value as HandlerContext };
    if (this.open.size === 0) return { problem: 'no call is in flight on the upstream, so there is no client to ask' };
    return { problem: `${this.open.size} calls are in flight on the upstream and this request does not say which one it belongs to` };
  }
}
