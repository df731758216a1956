import { z } from 'zod';
import { IdempotencyKeySchema, defineTool } from '@mcp-hub/connector-kit';
import { BlocksSchema } from '../block-kit';
import { ChannelArg, TsArg } from '../slack-arguments';
import type { SlackDeps } from '../slack-deps';
import { MessageTextArg, PostedSchema, postMessage } from './post-message';

export const replyInThreadTool = defineTool({
  name: 'reply_in_thread',
  title: 'Reply in thread',
  description: 'Replies in the thread of a message in an allowed Slack channel (not broadcast to the channel). Only in write mode.',
  input: z.strictObject({
    channel: ChannelArg,
    thread_ts: TsArg.describe('ts of the message to reply to (the thread\'s parent).'),
    text: MessageTextArg,
    blocks: BlocksSchema.optional(),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: PostedSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: (args, ctx, deps: SlackDeps) => postMessage('reply_in_thread', args, ctx, deps),
});
