import { z } from 'zod';
import { cleanUntrustedText, defineTool, fenceUntrusted, untrusted } from '@mcp-hub/connector-kit';
import type { SlackDeps } from '../slack-deps';

const ChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  is_private: z.boolean(),
  topic: z.string(),
  purpose: z.string(),
  member_count: z.number().int().optional(),
  untrusted: z.literal(true),
  source: z.string(),
});

/** Channels of the allowlist, a page at a time (the allowlist is resolved at start, topics are read live). */
export const listChannelsTool = defineTool({
  name: 'list_channels',
  title: 'List channels',
  description: 'Lists the Slack channels this connector may read and write (its allowlist), with topic and purpose. Paged: pass next_cursor to continue.',
  input: z.strictObject({
    limit: z.number().int().min(1).max(100).optional().describe('Page size, at most 100.'),
    cursor: z.string().regex(/^\d{1,4}$/).optional().describe('next_cursor from the previous page.'),
  }),
  output: z.object({ channels: z.array(ChannelSchema), next_cursor: z.string().optional(), truncated: z.boolean() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async ({ limit, cursor }, ctx, deps: SlackDeps) => {
    const all = deps.channels.channels();
    const start = cursor ? Number(cursor) : 0;
    const page = all.slice(start, start + (limit ?? deps.pageSize));
    const channels = [];
    for (const allowed of page) {
      const info = await deps.slack.call(ctx, 'conversations.info', (c) => c.conversations.info({ channel: allowed.id, include_num_members: true }), { retrySafe: true });
      const channel = info.channel ?? {};
      channels.push({
        id: allowed.id,
        name: allowed.name,
        is_private: allowed.isPrivate,
        topic: cleanUntrustedText(channel.topic?.value ?? '', { maxChars: 500 }),
        purpose: cleanUntrustedText(channel.purpose?.value ?? '', { maxChars: 500 }),
        ...(channel.num_members !== undefined && { member_count: channel.num_members }),
        ...untrusted(`slack:${allowed.id}`),
      });
    }
    const next = start + page.length < all.length ? String(start + page.length) : undefined;
    const lines = channels.map((c) => `${c.id} #${c.name}${c.topic ? `: ${c.topic}` : ''}`);
    const text = channels.length ? fenceUntrusted('slack:channels', lines.join('\n')) : 'No channels are allowed for this connector.';
    return { structured: { channels, ...(next && { next_cursor: next }), truncated: next !== undefined }, text: next ? `${text}\nMore: pass cursor ${next}.` : text };
  },
});
