import type { HandlerContext } from '@mcp-hub/connector-kit';

/** The URI of a channel's history resource; the only place it is built. */
export function channelHistoryUri(channel: string): string {
  return `slack://channels/${channel}/history`;
}

/** After a write: tells subscribed clients the channel's history changed. */
export function announceChannelChanged(ctx: HandlerContext, channel: string): void {
  ctx.resourceUpdated(channelHistoryUri(channel));
}
