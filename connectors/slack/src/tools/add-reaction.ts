import { z } from 'zod';
import { IdempotencyKeySchema, ToolError, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import { announceChannelChanged } from '../channel-resources';
import { ChannelArg, TsArg } from '../slack-arguments';
import type { SlackDeps } from '../slack-deps';

export const addReactionTool = defineTool({
  name: 'add_reaction',
  title: 'Add reaction',
  description: 'Adds an emoji reaction (e.g. eyes, white_check_mark) to a message in an allowed Slack channel. Reacting twice with the same emoji is not an error. Only in write mode.',
  input: z.strictObject({
    channel: ChannelArg,
    ts: TsArg.describe('ts of the message.'),
    name: z.string().regex(/^[a-z0-9_+'-]{1,100}(?:::skin-tone-[2-6])?$/, 'an emoji name without colons, e.g. thumbsup').describe('Emoji name without colons.'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ channel: z.string(), ts: z.string(), name: z.string(), already_present: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: SlackDeps) => {
    const channel = deps.channels.resolve(args.channel);
    // The resolved id, so that `#support` and `C123` are one request.
    const request = { ...args, channel };
    return runIdempotent(deps.idempotency, ctx, `add_reaction:${channel}`, request, async () => {
      let already = false;
      try {
        await deps.slack.call(ctx, 'reactions.add', (c) => c.reactions.add({ channel, timestamp: args.ts, name: args.name }), { retrySafe: true });
      } catch (error) {
        if (!(error instanceof ToolError && error.message.includes('already_reacted'))) throw error;
        already = true;
      }
      if (!already) announceChannelChanged(ctx, channel);
      return { structured: { channel, ts: args.ts, name: args.name, already_present: already }, text: already ? `:${args.name}: was already on ${args.ts}.` : `Reacted :${args.name}: to ${args.ts}.` };
    });
  },
});
