import { ToolError } from '@mcp-hub/connector-kit';
import { isOwnMessage } from './message-view';
import type { SlackCallContext } from './slack-client';
import type { SlackDeps } from './slack-deps';

/**
 * Finds message `ts` in `channel` (top level, or a reply in a thread) and checks that the
 * connector posted it. Slack lets a bot edit only its own messages anyway, but a user token or
 * an admin-installed app could do more: the connector refuses first, whatever the token may.
 * @throws ToolError `not_found` when there is no such message, `forbidden` when it is someone else's.
 */
export async function assertOwnMessage(deps: SlackDeps, ctx: SlackCallContext, channel: string, ts: string): Promise<void> {
  const window = { channel, latest: ts, oldest: ts, inclusive: true, limit: 1 };
  const history = await deps.slack.call(ctx, 'conversations.history', (c) => c.conversations.history(window), { retrySafe: true });
  let message = history.messages?.find((m) => m.ts === ts);
  if (!message) {
    // Replies are not in the history; conversations.replies accepts the ts of any message of a thread.
    const replies = await deps.slack
      .call(ctx, 'conversations.replies', (c) => c.conversations.replies({ channel, ts, latest: ts, oldest: ts, inclusive: true, limit: 1 }), { retrySafe: true })
      .catch((error: unknown) => {
        if (error instanceof ToolError && error.kind === 'not_found') return { messages: [] };
        throw error;
      });
    message = replies.messages?.find((m) => m.ts === ts);
  }
  if (!message) throw new ToolError('not_found', `No message ${ts} in channel ${channel}.`);
  if (!isOwnMessage(message, deps.self)) throw new ToolError('forbidden', 'That message was not posted by this connector; it may change or delete only its own messages.');
}
