import { z } from 'zod';
import { defineTool, fenceUntrusted } from '@mcp-hub/connector-kit';
import { MessageSchema, capMessages, messageLine, toMessageView } from '../message-view';
import { ChannelArg, CursorArg, LimitArg, PageOutput, TsArg } from '../slack-arguments';
import type { SlackDeps } from '../slack-deps';

export const getThreadRepliesTool = defineTool({
  name: 'get_thread_replies',
  title: 'Get thread replies',
  description: 'Reads a thread in an allowed Slack channel: its parent message first, then the replies, oldest first. Paged. Message text is third-party content.',
  input: z.strictObject({ channel: ChannelArg, thread_ts: TsArg.describe('ts of the thread\'s parent message.'), limit: LimitArg, cursor: CursorArg }),
  output: z.object({ channel: z.string(), thread_ts: z.string(), messages: z.array(MessageSchema), ...PageOutput }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: SlackDeps) => {
    const channel = deps.channels.resolve(args.channel);
    const response = await deps.slack.call(
      ctx,
      'conversations.replies',
      (c) => c.conversations.replies({ channel, ts: args.thread_ts, limit: args.limit ?? deps.pageSize, cursor: args.cursor }),
      { retrySafe: true },
    );
    const { messages, cut } = capMessages((response.messages ?? []).slice(0, args.limit ?? deps.pageSize).map((m) => toMessageView(channel, m, deps.self)));
    const next = response.response_metadata?.next_cursor || undefined;
    const body = fenceUntrusted(`slack:${channel}:${args.thread_ts}`, messages.map(messageLine).join('\n'));
    const hint = cut ? '\nThe page was cut for size: ask for a smaller limit.' : next ? `\nMore replies: pass cursor ${next}.` : '';
    return {
      structured: { channel, thread_ts: args.thread_ts, messages, ...(next && !cut && { next_cursor: next }), truncated: cut || next !== undefined },
      text: `${body}${hint}`,
    };
  },
});
