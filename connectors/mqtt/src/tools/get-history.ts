import { z } from 'zod';
import { defineTool, fenceUntrusted, ToolError } from '@mcp-hub/connector-kit';
import { MQTT_CONNECTOR_ID } from '../connector-id';
import { BucketSchema, downsample } from '../downsample';
import { messageView, MessageViewSchema, payloadLine, topicSource, UntrustedMarkSchema } from '../message-view';
import type { StoredMessage } from '../message-window';
import type { MqttDeps } from '../mqtt-deps';
import { numericValue } from '../payload-view';
import { checkWatchedTopic, TopicArgumentSchema } from './topic-argument';

/** JSON characters of the messages of one page at most: a page of big payloads is cut before. */
const MAX_PAGE_CHARS = 200_000;
const MESSAGES_CURSOR = /^m:(\d{1,15}):(\d{1,15})$/;
const BUCKETS_CURSOR = /^b:(-?\d{1,15})$/;

const HistoryMessageSchema = MessageViewSchema.extend({ value: z.number().optional().describe('The numeric value read with `field` (or of a numeric payload).') });

export const getHistoryTool = defineTool({
  name: 'get_history',
  title: 'Get topic history',
  description:
    'Returns the messages kept for one MQTT topic in a time range, oldest first and paged; or, with bucket_ms, their numeric values downsampled to min/max/avg per time bucket. The window is bounded: only recent messages are kept. Untrusted device data.',
  input: z.strictObject({
    topic: TopicArgumentSchema,
    since: z.iso.datetime({ offset: true }).optional().describe('ISO time; messages received at or after it. Default: the oldest kept.'),
    until: z.iso.datetime({ offset: true }).optional().describe('ISO time; messages received before it. Default: now.'),
    bucket_ms: z.number().int().min(1000).max(7 * 24 * 3_600_000).optional().describe('Downsample to buckets of this many ms (aligned on the epoch): min, max, avg and count of the numeric values in each.'),
    field: z
      .string()
      .max(200)
      .regex(/^[\w-]+(?:\.[\w-]+)*$/, 'a dot path such as temperature or data.temp')
      .optional()
      .describe('Where the number sits in a JSON payload (dot path, e.g. data.temp). Default: the payload itself when it is a number.'),
    cursor: z.string().max(100).optional().describe('next_cursor of the previous page.'),
    limit: z.number().int().min(1).max(500).default(50).describe('Messages or buckets per page.'),
  }),
  output: z.object({
    topic: z.string(),
    mode: z.enum(['messages', 'buckets']),
    messages: z.array(HistoryMessageSchema).optional(),
    buckets: z.array(BucketSchema).optional(),
    skipped: z.number().int().optional().describe('Messages in range without a numeric value (buckets mode).'),
    kept: z.number().int().describe('Messages kept for this topic in all.'),
    oldest_kept: z.string().optional(),
    next_cursor: z.string().optional(),
    truncated: z.boolean().describe('The page was cut at the byte cap before `limit`; pass next_cursor for the rest.'),
    ...UntrustedMarkSchema,
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, _ctx, deps: MqttDeps) => {
    checkWatchedTopic(args.topic, deps);
    const since = args.since === undefined ? -Infinity : Date.parse(args.since);
    const until = args.until === undefined ? Infinity : Date.parse(args.until);
    if (since >= until) throw new ToolError('invalid_arguments', 'since must be before until.');
    const kept = deps.window.history(args.topic);
    const inRange = kept.filter((m) => m.receivedAt >= since && m.receivedAt < until);
    const common = { topic: args.topic, kept: kept.length, ...(kept[0] && { oldest_kept: new Date(kept[0].receivedAt).toISOString() }), ...topicSource(args.topic) };
    return args.bucket_ms === undefined ? messagesPage(args, inRange, common) : bucketsPage({ ...args, bucket_ms: args.bucket_ms }, inRange, common);
  },
});

type Common = { topic: string; kept: number; oldest_kept?: string; untrusted: true; source: string };
type PageArgs = { topic: string; field?: string; cursor?: string; limit: number };

function messagesPage(args: PageArgs, inRange: StoredMessage[], common: Common) {
  let rest = inRange;
  if (args.cursor !== undefined) {
    const match = MESSAGES_CURSOR.exec(args.cursor);
    if (!match) throw new ToolError('invalid_arguments', 'cursor: not a cursor of this listing (without bucket_ms); start again without it.');
    const [t, seq] = [Number(match[1]), Number(match[2])];
    rest = inRange.filter((m) => m.receivedAt > t || (m.receivedAt === t && m.seq > seq));
  }
  const messages = [];
  const taken: StoredMessage[] = [];
  let chars = 0;
  let truncated = false;
  for (const stored of rest.slice(0, args.limit)) {
    const value = numericValue(stored.payload, args.field);
    const view = { ...messageView(stored), ...(value !== undefined && { value }) };
    chars += JSON.stringify(view).length;
    if (chars > MAX_PAGE_CHARS && messages.length > 0) {
      truncated = true;
      break;
    }
    messages.push(view);
    taken.push(stored);
  }
  const last = taken.at(-1);
  const more = last !== undefined && rest.length > taken.length;
  const lines = messages.map((m) => `${m.received_at}${m.retained ? ' (retained)' : ''}: ${payloadLine(m.payload, 200)}`);
  return {
    structured: { ...common, mode: 'messages' as const, messages, truncated, ...(more && { next_cursor: `m:${last.receivedAt}:${last.seq}` }) },
    text: `${messages.length} message(s) on ${args.topic}${more ? ' (more: pass next_cursor)' : ''}:\n${fenceUntrusted(`${MQTT_CONNECTOR_ID}:topic:${args.topic}`, lines.join('\n'))}`,
  };
}

function bucketsPage(args: PageArgs & { bucket_ms: number }, inRange: StoredMessage[], common: Common) {
  const points = inRange.flatMap((m) => {
    const v = numericValue(m.payload, args.field);
    return v === undefined ? [] : [{ t: m.receivedAt, v }];
  });
  let buckets = downsample(points, args.bucket_ms);
  if (args.cursor !== undefined) {
    const match = BUCKETS_CURSOR.exec(args.cursor);
    if (!match) throw new ToolError('invalid_arguments', 'cursor: not a cursor of this listing (with bucket_ms); start again without it.');
    const after = Number(match[1]);
    buckets = buckets.filter((b) => Date.parse(b.start) > after);
  }
  const page = buckets.slice(0, args.limit);
  const more = buckets.length > page.length;
  const lines = page.map((b) => `${b.start} n=${b.count} min=${b.min} max=${b.max} avg=${b.avg}`);
  const skipped = inRange.length - points.length;
  return {
    structured: { ...common, mode: 'buckets' as const, buckets: page, skipped, truncated: false, ...(more && { next_cursor: `b:${Date.parse(page.at(-1)!.start)}` }) },
    text: [`${page.length} bucket(s) of ${args.bucket_ms} ms on ${args.topic}${skipped ? `, ${skipped} message(s) without a number skipped` : ''}:`, ...lines].join('\n'),
  };
}
