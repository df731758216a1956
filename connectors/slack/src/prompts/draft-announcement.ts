import { z } from 'zod';
import { definePrompt } from '@mcp-hub/connector-kit';
import { clientName } from '../client-name';
import type { SlackDeps } from '../slack-deps';

const DraftArgs = z.object({
  channel: z.string().min(1).max(100),
  topic: z.string().min(1).max(2000),
  audience: z.string().max(200).optional(),
});

export const draftAnnouncementPrompt = definePrompt<SlackDeps, typeof DraftArgs>({
  name: 'draft_announcement',
  title: 'Draft an announcement',
  description: 'Asks the model to draft a Slack announcement for an allowed channel, for a human to review before it is posted.',
  arguments: DraftArgs,
  argumentDescriptions: { channel: 'Channel id or name (#announcements)', topic: 'What to announce', audience: 'Who reads it (default: the channel\'s members)' },
  render: async (args, _ctx, deps) => {
    const channel = deps.channels.resolve(args.channel);
    const name = deps.channels.nameOf(channel) ?? channel;
    const broadcast = deps.mentions.allowBroadcast
      ? 'Use @here only if the announcement is urgent.'
      : 'Do not use @channel, @here or @everyone: this connector neutralises them and nobody would be notified.';
    const text = [
      `Draft an announcement for the Slack channel #${name}${args.audience ? `, for ${args.audience}` : ''}.`,
      `Topic, as the user gave it: ${args.topic}`,
      '',
      `Write it in Slack mrkdwn: a bold one-line headline, two to five short lines or bullets, and who to ask. At most ${deps.maxMessageChars} characters. ${broadcast}`,
      `Show the draft to the user first. Post it with ${clientName('post_message')} (channel ${channel}) only after the user approves it, with an idempotency_key.`,
    ].join('\n');
    return { description: `Announcement draft for #${name}`, messages: [{ role: 'user', content: { type: 'text', text } }] };
  },
  complete: { channel: async (value, _ctx, deps) => deps.channels.channels().map((c) => c.name).filter((n) => n.startsWith(value.replace(/^#/, ''))) },
});
