import { z } from 'zod';
import { MAX_PAGE_SIZE } from './slack-deps';

/** Argument schemas shared by several tools: one definition, one description. */
export const ChannelArg = z
  .string()
  .regex(/^(?:[CGD][A-Z0-9]{2,20}|#?[a-z0-9][a-z0-9_-]{0,79})$/, 'a channel id (C…, G…, D…) or a channel name')
  .describe('Channel id (C…) or name (#support). Only channels in the connector\'s allowlist.');

/** Slack's message timestamp, which is also a message's id: seconds.microseconds. */
export const TsArg = z.string().regex(/^\d{9,10}\.\d{6}$/, 'a Slack message timestamp such as 1712345678.123456');

export const CursorArg = z.string().min(1).max(500).regex(/^[\w=+/:-]+$/, 'a next_cursor from an earlier page').optional().describe('next_cursor from the previous page.');

export const LimitArg = z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Page size, at most ${MAX_PAGE_SIZE}; the configured default when omitted.`);

/** A time bound: a Slack timestamp or an ISO 8601 date-time. */
export const TimeArg = z.union([TsArg, z.iso.datetime({ offset: true })]);

/** A time bound as Slack wants it: a Slack timestamp as is, an ISO date-time as seconds since the epoch. */
export function slackTime(value: string | undefined): string | undefined {
  if (value === undefined || TsArg.safeParse(value).success) return value;
  return (Date.parse(value) / 1000).toFixed(6);
}

export const PageOutput = { next_cursor: z.string().optional(), truncated: z.boolean() };
