import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import { BlocksSchema } from '../block-kit';
import { announceChannelChanged } from '../channel-resources';
import { SAFE_POST_OPTIONS, neutralisedNote, prepareOutgoing } from '../outgoing-message';
import { assertOwnMessage } from '../own-message';
import { ChannelArg, TsArg } from '../slack-arguments';
import type { SlackDeps } from '../slack-deps';
import { MessageTextArg } from './post-message';

export const updateMessageTool = defineTool({
  name: 'update_message',
  title: 'Update message',
  description: 'Replaces the text (and blocks) of a message this connector posted in an allowed Slack channel. Messages of anyone else are refused. Only in write mode.',
  input: z.strictObject({ channel: ChannelArg, ts: TsArg.describe('ts of the connector\'s message.'), text: MessageTextArg, blocks: BlocksSchema.optional(), idempotency_key: IdempotencyKeySchema }),
  output: z.object({ channel: z.string(), ts: z.string(), mentions_neutralised: z.number().int() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: SlackDeps) => {
    const channel = deps.channels.resolve(args.channel);
    const outgoing = prepareOutgoing(deps, args.text, args.blocks);
    // The resolved id, so that `#support` and `C123` are one request.
    const request = { ...args, channel };
    return runIdempotent(deps.idempotency, ctx, `update_message:${channel}`, request, async () => {
      await assertOwnMessage(deps, ctx, channel, args.ts);
      const { parse, link_names } = SAFE_POST_OPTIONS;
      await deps.slack.call(
        ctx,
        'chat.update',
        (c) => c.chat.update({ channel, ts: args.ts, text: outgoing.text, ...(outgoing.blocks && { blocks: outgoing.blocks }), parse, link_names }),
        { retrySafe: true },
      );
      announceChannelChanged(ctx, channel);
      return { structured: { channel, ts: args.ts, mentions_neutralised: outgoing.neutralised }, text: `Updated message ${args.ts}.${neutralisedNote(outgoing.neutralised)}` };
    });
  },
});
