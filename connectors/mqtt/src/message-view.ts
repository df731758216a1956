import { z } from 'zod';
import { untrusted } from '@mcp-hub/connector-kit';
import type { StoredMessage } from './message-window';
import { PayloadViewSchema, viewPayload, type PayloadView } from './payload-view';

/** A kept message as tools and resources show it. */
export const MessageViewSchema = z.object({
  received_at: z.string().describe('ISO time this replica received it.'),
  retained: z.boolean().describe('Delivered by the broker as its retained value (on subscribe), not as a live message.'),
  qos: z.number().int(),
  size: z.number().int().describe('Payload size as published, in bytes.'),
  truncated: z.boolean().describe('The payload was cut to the window\'s byte cap before decoding.'),
  payload: PayloadViewSchema,
});
export type MessageView = z.infer<typeof MessageViewSchema>;

/** The mark on every result holding payloads: they come from devices, not from the operator. */
export const UntrustedMarkSchema = { untrusted: z.literal(true), source: z.string() };

export function messageView(message: StoredMessage): MessageView {
  return {
    received_at: new Date(message.receivedAt).toISOString(),
    retained: message.retained,
    qos: message.qos,
    size: message.size,
    truncated: message.payload.length < message.size,
    payload: viewPayload(message.payload),
  };
}

export function topicSource(topic: string): ReturnType<typeof untrusted> {
  return untrusted(`mqtt:topic:${topic}`);
}

/** One line for a model: the payload in short (JSON compact, text as is, bytes as a summary). */
export function payloadLine(view: PayloadView, maxChars = 300): string {
  const text = view.format === 'json' ? JSON.stringify(view.json) : view.format === 'text' ? view.text : `[binary payload, sha256 ${view.sha256.slice(0, 16)}…]`;
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
