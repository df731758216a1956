import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import { BlocksSchema } from '../block-kit';
import { announceChannelChanged } from '../channel-resources';
import { SAFE_POST_OPTIONS, neutralisedNote, prepareOutgoing } from '../outgoing-message';
import { ChannelArg, TsArg } from '../slack-arguments';
import type { SlackDeps } from '../slack-deps';
import type { HandlerContext } from '@mcp-hub/connector-kit';

export const PostedSchema = z.object({ channel: z.string(), ts: z.string(), thread_ts: z.string().optional(), mentions_neutralised: z.number().int() });
export type Posted = z.infer<typeof PostedSchema>;

export const MessageTextArg = z.string().min(1).max(40_000).describe('Message text (Slack mrkdwn). Capped by the connector; @channel/@here/@everyone and group mentions are neutralised unless the operator allowed them.');

/** Posts once per idempotency key; shared by post_message and reply_in_thread. */
export async function postMessage(
  tool: string,
  args: { channel: string; text: string; blocks?: z.infer<typeof BlocksSchema>; thread_ts?: string; idempotency_key?: string },
  ctx: HandlerContext,
  deps: SlackDeps,
) {
  const channel = deps.channels.resolve(args.channel);
  const outgoing = prepareOutgoing(deps, args.text, args.blocks);
  // The resolved id, so that `#support` and `C123` are one request.
  const request = { ...args, channel };
  return runIdempotent(deps.idempotency, ctx, `${tool}:${channel}`, request, async () => {
    const response = await deps.slack.call(
      ctx,
      'chat.postMessage',
      (c) => c.chat.postMessage({ channel, text: outgoing.text, ...(outgoing.blocks && { blocks: outgoing.blocks }), ...(args.thread_ts && { thread_ts: args.thread_ts }), ...SAFE_POST_OPTIONS }),
      { retrySafe: false, bucket: channel },
    );
    announceChannelChanged(ctx, channel);
    const posted: Posted = { channel, ts: response.ts ?? '', ...(args.thread_ts && { thread_ts: args.thread_ts }), mentions_neutralised: outgoing.neutralised };
    const where = args.thread_ts ? `in thread ${args.thread_ts} of` : 'to';
    return { structured: posted, text: `Posted ${where} #${deps.channels.nameOf(channel) ?? channel} (ts ${posted.ts}).${neutralisedNote(outgoing.neutralised)}` };
  });
}

export const postMessageTool = defineTool({
  name: 'post_message',
  title: 'Post message',
  description: 'Posts a message to an allowed Slack channel, or into a thread with thread_ts. Only in write mode.',
  input: z.strictObject({
    channel: ChannelArg,
    text: MessageTextArg,
    blocks: BlocksSchema.optional(),
    thread_ts: TsArg.optional().describe('Reply in the thread of this message.'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: PostedSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: (args, ctx, deps: SlackDeps) => postMessage('post_message', args, ctx, deps),
});
