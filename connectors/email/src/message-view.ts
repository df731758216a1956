import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { z } from 'zod';
import { cleanUntrustedText, untrusted } from '@mcp-hub/connector-kit';
import type { StoredHeaders, StoredMessage } from './mail-store';
import { attachmentUri, messageUri } from './message-uris';

/** Characters kept of a header value written by a third party (subject, display name). */
const HEADER_CHARS = 1000;

/**
 * The parser options every read uses: no data: URLs built from attachments, and no HTML-to-text
 * conversion (it keeps image and link URLs; `htmlToText` below drops them).
 */
const PARSER_OPTIONS = { skipImageLinks: true, skipTextToHtml: true, keepCidLinks: true, skipHtmlToText: true, checksumAlgo: false } as const;

/** End tags after which a block of text ends: a line break keeps paragraphs apart once tags are gone. */
const BLOCK_END = /<\/(?:p|div|h[1-6]|li|tr|table|blockquote|pre|ul|ol)\s*>/gi;

/**
 * An HTML body as plain text: block ends become line breaks, then `cleanUntrustedText` drops
 * every tag, script and style, turns images into `[image: alt]` (no URL survives) and removes
 * invisible characters.
 */
export function htmlToText(html: string, maxChars: number): string {
  return cleanUntrustedText(html.slice(0, maxChars * 4).replace(BLOCK_END, (tag) => `${tag}\n`), { maxChars: maxChars * 4 })
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** Parses a raw message (or a header block) with the one parser every store's reads go through. */
export function parseMessage(source: Buffer): Promise<ParsedMail> {
  return simpleParser(source, PARSER_OPTIONS);
}

const UntrustedMarkSchema = { untrusted: z.literal(true), source: z.string().describe('Where the text came from: email:<mailbox>:<uid>.') };

export const MessageSummarySchema = z.object({
  mailbox: z.string(),
  uid: z.number().int(),
  uri: z.string().describe('Resource URI of the whole message.'),
  messageId: z.string().nullable(),
  from: z.string().describe('Sender, as "Name <address>"; written by a third party.'),
  to: z.array(z.string()),
  subject: z.string(),
  date: z.string().nullable().describe('Date header, ISO 8601.'),
  seen: z.boolean(),
  flagged: z.boolean(),
  answered: z.boolean(),
  size: z.number().int().describe('Bytes.'),
  ...UntrustedMarkSchema,
});
export type MessageSummary = z.infer<typeof MessageSummarySchema>;

export const AttachmentInfoSchema = z.object({
  index: z.number().int(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().describe('Bytes.'),
  uri: z.string().describe('Resource URI of the attachment; also what email_send_email accepts as an attachment.'),
  tooLarge: z.boolean().describe('True when it is over the configured cap: it cannot be read or forwarded.'),
});

export const MessageDetailSchema = MessageSummarySchema.extend({
  cc: z.array(z.string()),
  replyTo: z.array(z.string()),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  text: z.string().describe('Body as plain text (HTML reduced to text), cleaned of invisible characters; written by a third party.'),
  textTruncated: z.boolean().describe('True when the body was cut at the configured byte cap.'),
  attachments: z.array(AttachmentInfoSchema),
});
export type MessageDetail = z.infer<typeof MessageDetailSchema>;

/** The source mark of a message. */
export function messageSource(mailbox: string, uid: number): string {
  return `email:${mailbox}:${uid}`;
}

/** A search hit or thread member, from its header block. */
export async function toMessageSummary(mailbox: string, stored: StoredHeaders): Promise<MessageSummary> {
  return summaryOf(mailbox, stored, await parseMessage(stored.headers));
}

function summaryOf(mailbox: string, stored: { uid: number; flags: readonly string[]; size: number }, mail: ParsedMail): MessageSummary {
  return {
    mailbox,
    uid: stored.uid,
    uri: messageUri(mailbox, stored.uid),
    messageId: messageIdOf(mail.messageId),
    from: addresses(mail.from)[0] ?? '',
    to: addresses(mail.to),
    subject: clean(mail.subject ?? '', HEADER_CHARS),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    seen: stored.flags.includes('\\Seen'),
    flagged: stored.flags.includes('\\Flagged'),
    answered: stored.flags.includes('\\Answered'),
    size: stored.size,
    ...untrusted(messageSource(mailbox, stored.uid)),
  };
}

/**
 * A whole message for a model: headers, the body as cleaned text (an HTML-only body is reduced
 * to text by the parser, and `cleanUntrustedText` removes what is left of markup, invisible and
 * bidirectional characters and Markdown images), and attachments as metadata with links.
 */
export async function toMessageDetail(
  mailbox: string,
  stored: StoredMessage,
  limits: { maxBodyBytes: number; maxAttachmentBytes: number },
): Promise<{ detail: MessageDetail; mail: ParsedMail }> {
  const mail = await parseMessage(stored.source);
  const body = mail.text?.trim() ? clean(mail.text, limits.maxBodyBytes + 1024) : typeof mail.html === 'string' ? htmlToText(mail.html, limits.maxBodyBytes + 1024) : '';
  const { text, truncated } = cutToBytes(body.trim(), limits.maxBodyBytes);
  const sourceCut = stored.source.length < stored.size;
  const detail: MessageDetail = {
    ...summaryOf(mailbox, stored, mail),
    cc: addresses(mail.cc),
    replyTo: addresses(mail.replyTo),
    inReplyTo: messageIdOf(mail.inReplyTo),
    references: referencesOf(mail),
    text,
    textTruncated: truncated || sourceCut,
    attachments: mail.attachments.map((a, index) => ({
      index,
      filename: clean(a.filename ?? `attachment-${index}`, 255),
      contentType: clean(a.contentType, 255),
      size: a.size,
      uri: attachmentUri(mailbox, stored.uid, index),
      tooLarge: a.size > limits.maxAttachmentBytes || sourceCut,
    })),
  };
  return { detail, mail };
}

/** The Message-IDs a message refers to, oldest first, angle brackets included. */
export function referencesOf(mail: ParsedMail): string[] {
  const refs = mail.references === undefined ? [] : Array.isArray(mail.references) ? mail.references : mail.references.split(/\s+/);
  return refs.flatMap((ref) => messageIdOf(ref) ?? []);
}

/** A Message-ID in angle brackets, or null for a missing or malformed one (it goes back into headers of replies). */
export function messageIdOf(value: string | undefined): string | null {
  const id = value?.trim();
  return id && /^<[^<>\s]{1,250}>$/.test(id) ? id : null;
}

/** The plain addresses of an address header (for replies): only well-formed ones. */
export function plainAddresses(header: AddressObject | AddressObject[] | undefined): string[] {
  if (!header) return [];
  return (Array.isArray(header) ? header : [header]).flatMap((h) => h.value.flatMap((a) => (a.address ? [a.address] : [])));
}

function addresses(header: AddressObject | AddressObject[] | undefined): string[] {
  if (!header) return [];
  return (Array.isArray(header) ? header : [header]).flatMap((h) =>
    h.value.map((a) => {
      const address = a.address && /^[^\s<>]{1,254}$/.test(a.address) ? a.address : clean(a.address ?? '', 254);
      const name = clean(a.name ?? '', HEADER_CHARS);
      return name ? `${name} <${address}>` : address;
    }),
  );
}

function clean(text: string, maxChars: number): string {
  return cleanUntrustedText(text, { maxChars }).trim();
}

/** `text` cut to at most `maxBytes` UTF-8 bytes, on a character boundary. */
function cutToBytes(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}
