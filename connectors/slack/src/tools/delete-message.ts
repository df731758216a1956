import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import { announceChannelChanged } from '../channel-resources';
import { assertOwnMessage } from '../own-message';
import { ChannelArg, TsArg } from '../slack-arguments';
import type { SlackDeps } from '../slack-deps';

export const deleteMessageTool = defineTool({
  name: 'delete_message',
  title: 'Delete message',
  description: 'Deletes a message this connector posted in an allowed Slack channel. Messages of anyone else are refused. Only in write mode.',
  input: z.strictObject({ channel: ChannelArg, ts: TsArg.describe('ts of the connector\'s message.'), idempotency_key: IdempotencyKeySchema }),
  output: z.object({ channel: z.string(), ts: z.string(), deleted: z.literal(true) }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: SlackDeps) => {
    const channel = deps.channels.resolve(args.channel);
    // The resolved id, so that `#support` and `C123` are one request.
    const request = { ...args, channel };
    return runIdempotent(deps.idempotency, ctx, `delete_message:${channel}`, request, async () => {
      await assertOwnMessage(deps, ctx, channel, args.ts);
      await deps.slack.call(ctx, 'chat.delete', (c) => c.chat.delete({ channel, ts: args.ts }), { retrySafe: true });
      announceChannelChanged(ctx, channel);
      return { structured: { channel, ts: args.ts, deleted: true as const }, text: `Deleted message ${args.ts}.` };
    });
  },
});
