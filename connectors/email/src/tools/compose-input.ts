import { z } from 'zod';
import { ToolError } from '@mcp-hub/connector-kit';
import { EmailAddressSchema, MailboxNameSchema, UidSchema, headerText } from '../mail-fields';
import type { MessageDetail } from '../message-view';
import { MAX_ATTACHMENTS } from '../resolve-attachments';
import { clientName } from '../client-name';

/** Recipients of one field (To, Cc or Bcc): plain addresses only, each checked against the allowlist. */
export const RecipientsSchema = z.array(EmailAddressSchema).max(50);

export const SubjectSchema = headerText(998).describe('Subject line; no line breaks.');

export const BodyTextSchema = z.string().max(1_000_000).describe('Plain-text body. Limited to the configured byte cap.');

export const BodyHtmlSchema = z.string().max(1_000_000).optional().describe('Optional HTML alternative of the body. Limited to the configured byte cap.');

export const AttachmentUrisSchema = z
  .array(z.string().max(1000))
  .max(MAX_ATTACHMENTS)
  .default([])
  .describe(`Attachment resource URIs of this mailbox (email://{mailbox}/messages/{uid}/attachments/{index}, as ${clientName('get_message')} lists them). Files and URLs cannot be attached.`);

export const MessageRefSchema = z.strictObject({ mailbox: MailboxNameSchema, uid: UidSchema });

/** The body text and HTML within the configured cap. */
export function assertBodyWithinCap(maxBytes: number, text: string, html: string | undefined): void {
  for (const [name, value] of [['text', text], ['html', html ?? '']] as const) {
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > maxBytes) throw new ToolError('invalid_arguments', `${name} is ${bytes} bytes, over the cap of ${maxBytes}.`);
  }
}

/** Most Message-IDs carried in References (the oldest and the newest are kept, as RFC 5322 suggests). */
const MAX_REFERENCES = 20;

/** In-Reply-To and References for an answer to `original`, so that mail clients keep the thread. */
export function threadingFor(original: MessageDetail): { inReplyTo?: string; references: string[] } {
  if (!original.messageId) return { references: original.references.slice(-MAX_REFERENCES) };
  const chain = [...original.references.filter((id) => id !== original.messageId), original.messageId];
  const references = chain.length > MAX_REFERENCES ? [chain[0]!, ...chain.slice(-(MAX_REFERENCES - 1))] : chain;
  return { inReplyTo: original.messageId, references };
}

/** `Re: <subject>` unless it already starts so; the original subject was unfolded and cleaned when read. */
export function replySubject(subject: string): string {
  const oneLine = subject.replace(/[\r\n]+/g, ' ').slice(0, 900);
  return /^re:/i.test(oneLine) ? oneLine : `Re: ${oneLine}`;
}
