import { z } from 'zod';
import { defineTool, fenceUntrusted } from '@mcp-hub/connector-kit';
import { MessageSchema, capMessages, messageLine, toMessageView } from '../message-view';
import type { SlackDeps } from '../slack-deps';

const MAX_SEARCH_PAGE = 50;

export const searchMessagesTool = defineTool({
  name: 'search_messages',
  title: 'Search messages',
  description:
    'Searches Slack messages with Slack\'s query syntax (words, "phrases", from:@user, before:/after:). Only matches in allowed channels are returned; others are counted in omitted. Needs the connector\'s user token. Paged by page number.',
  input: z.strictObject({
    query: z.string().min(1).max(500),
    count: z.number().int().min(1).max(MAX_SEARCH_PAGE).optional().describe(`Matches per page, at most ${MAX_SEARCH_PAGE}.`),
    page: z.number().int().min(1).max(100).default(1),
  }),
  output: z.object({ messages: z.array(MessageSchema), omitted: z.number().int(), page: z.number().int(), page_count: z.number().int(), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: SlackDeps) => {
    const response = await deps.slack.call(
      ctx,
      'search.messages',
      (c) => c.search.messages({ query: args.query, count: args.count ?? deps.pageSize, page: args.page, sort: 'timestamp', sort_dir: 'desc' }),
      { token: 'user', retrySafe: true },
    );
    const matches = response.messages?.matches ?? [];
    // A user token sees far more than the allowlist: everything outside it is dropped, not shown.
    const allowed = matches.filter((m) => m.channel?.id !== undefined && deps.channels.has(m.channel.id));
    const { messages, cut } = capMessages(allowed.map((m) => toMessageView(m.channel!.id!, m, deps.self)));
    const pageCount = response.messages?.paging?.pages ?? 1;
    const omitted = matches.length - allowed.length;
    const body = messages.length ? fenceUntrusted('slack:search', messages.map((m) => `${m.channel} ${messageLine(m)}`).join('\n')) : 'No matches in allowed channels.';
    const more = args.page < pageCount ? `\nMore: page ${args.page + 1} of ${pageCount}.` : '';
    return {
      structured: { messages, omitted, page: args.page, page_count: pageCount, truncated: cut || args.page < pageCount },
      text: `${body}${omitted ? `\n${omitted} matches outside the allowed channels were omitted.` : ''}${cut ? '\nThe page was cut for size: ask for a smaller count.' : ''}${more}`,
    };
  },
});
