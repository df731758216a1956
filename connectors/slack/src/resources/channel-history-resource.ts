import { ToolError, defineResourceTemplate } from '@mcp-hub/connector-kit';
import { capMessages, toMessageView } from '../message-view';
import type { SlackDeps } from '../slack-deps';

/**
 * The latest messages of an allowed channel as JSON. Subscribers get
 * `notifications/resources/updated` when the connector posts there, and when the poller sees a
 * new message (`pollIntervalMs`).
 */
export const channelHistoryResource = defineResourceTemplate<SlackDeps>({
  uriTemplate: 'slack://channels/{id}/history',
  name: 'channel_history',
  title: 'Channel history',
  description: 'The latest messages of an allowed Slack channel (newest first, one page), as JSON; message text is third-party content marked untrusted. Subscribe to hear of new messages.',
  mimeType: 'application/json',
  read: async ({ id }, uri, ctx, deps) => {
    const channel = deps.channels.resolve(id ?? '');
    // One URI per channel: updates are announced for the id, so a subscription by name would never hear of any.
    if (channel !== id) throw new ToolError('not_found', `Address the channel by its id: slack://channels/${channel}/history.`);
    const response = await deps.slack.call(ctx, 'conversations.history', (c) => c.conversations.history({ channel, limit: deps.pageSize }), { retrySafe: true });
    const { messages } = capMessages((response.messages ?? []).slice(0, deps.pageSize).map((m) => toMessageView(channel, m, deps.self)));
    return [{ uri, mimeType: 'application/json', text: JSON.stringify({ channel, name: deps.channels.nameOf(channel), messages, untrusted: true, source: `slack:${channel}` }) }];
  },
  complete: {
    id: async (value, _ctx, deps) => deps.channels.channels().map((c) => c.id).filter((id) => id.startsWith(value)),
  },
});
