import { z } from 'zod';
import { cleanUntrustedText, untrusted } from '@mcp-hub/connector-kit';
import { readableSlackText } from './slack-markup';
import type { SlackIdentity } from './slack-deps';

/** Longest message text returned, in characters; longer texts are cut and marked. */
export const MAX_RETURNED_TEXT_CHARS = 4000;

export const MessageSchema = z.object({
  channel: z.string(),
  ts: z.string(),
  thread_ts: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string(),
  text_truncated: z.boolean(),
  reply_count: z.number().int().optional(),
  reactions: z.array(z.object({ name: z.string(), count: z.number().int() })),
  /** Whether the connector posted it (and so may update or delete it). */
  own: z.boolean(),
  untrusted: z.literal(true),
  source: z.string(),
});
export type MessageView = z.infer<typeof MessageSchema>;

/** The fields of a Slack message the view reads (shared by history, replies and search answers). */
export interface SlackMessage {
  ts?: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  reply_count?: number;
  reactions?: Array<{ name?: string; count?: number }>;
}

/** A Slack message for a model: markup made readable, then cleaned as third-party text and marked untrusted. */
export function toMessageView(channel: string, message: SlackMessage, self: SlackIdentity): MessageView {
  const ts = message.ts ?? '';
  const raw = message.text ?? '';
  return {
    channel,
    ts,
    ...(message.thread_ts && { thread_ts: message.thread_ts }),
    ...(message.user && { user: message.user }),
    ...(message.bot_id && { bot_id: message.bot_id }),
    text: cleanUntrustedText(readableSlackText(raw.slice(0, MAX_RETURNED_TEXT_CHARS * 2)), { maxChars: MAX_RETURNED_TEXT_CHARS }),
    text_truncated: raw.length > MAX_RETURNED_TEXT_CHARS,
    ...(message.reply_count !== undefined && { reply_count: message.reply_count }),
    reactions: (message.reactions ?? []).slice(0, 50).map((r) => ({ name: cleanUntrustedText(r.name ?? '', { maxChars: 100 }), count: r.count ?? 0 })),
    own: isOwnMessage(message, self),
    ...untrusted(`slack:${channel}:${ts}`),
  };
}

export function isOwnMessage(message: SlackMessage, self: SlackIdentity): boolean {
  return (message.bot_id !== undefined && message.bot_id === self.botId) || (message.user !== undefined && message.user === self.userId);
}

/**
 * Most message text one result carries, in characters (at most ~450 KiB as UTF-8): every reply
 * must fit a bus message (NATS's default limit is 1 MiB) with its text form beside it.
 */
export const MAX_RESULT_TEXT_CHARS = 150_000;

/** The leading messages whose text fits {@link MAX_RESULT_TEXT_CHARS}, and whether any were left out. */
export function capMessages(messages: MessageView[]): { messages: MessageView[]; cut: boolean } {
  let total = 0;
  const kept: MessageView[] = [];
  for (const message of messages) {
    total += message.text.length;
    if (total > MAX_RESULT_TEXT_CHARS && kept.length > 0) return { messages: kept, cut: true };
    kept.push(message);
  }
  return { messages: kept, cut: false };
}

/** One line per message for the text form of a result. */
export function messageLine(m: MessageView): string {
  const who = m.user ?? m.bot_id ?? 'unknown';
  const replies = m.reply_count ? ` (${m.reply_count} replies)` : '';
  return `[${m.ts}] ${who}${replies}: ${m.text.split('\n').join(' ').slice(0, 300)}`;
}
