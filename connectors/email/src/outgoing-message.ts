import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';

/** A message the connector sends or saves as a draft. Every field was validated (no CR/LF in any header value). */
export interface OutgoingMessage {
  from: string;
  fromName?: string;
  to: readonly string[];
  cc: readonly string[];
  bcc: readonly string[];
  subject: string;
  text: string;
  html?: string;
  /** Message-ID of the message answered. */
  inReplyTo?: string;
  /** Message-IDs of the thread, oldest first. */
  references: readonly string[];
  /** Bytes read by the connector itself (from its own attachment resources), never a path or URL. */
  attachments: ReadonlyArray<{ filename: string; contentType: string; content: Buffer }>;
}

export interface ComposedMessage {
  source: Buffer;
  messageId: string;
  /** SMTP envelope: who the server delivers to, Bcc included (the Bcc header is not in `source`). */
  envelope: { from: string; to: string[] };
}

/**
 * Builds the RFC 5322 source with nodemailer's composer, the one way every sent message and
 * draft is made. File and URL access are off, so no part can be read from a path or fetched:
 * attachment bytes are always handed in. `messageId` reuses one (the copy of a sent message keeps its id).
 */
export async function composeMessage(message: OutgoingMessage, domain: string, options: { keepBcc?: boolean; messageId?: string } = {}): Promise<ComposedMessage> {
  const messageId = options.messageId ?? `<${randomBytes(12).toString('hex')}@${domain}>`;
  const composer = new MailComposer({
    from: message.fromName ? { name: message.fromName, address: message.from } : message.from,
    to: [...message.to],
    cc: [...message.cc],
    bcc: [...message.bcc],
    subject: message.subject,
    text: message.text,
    ...(message.html !== undefined && { html: message.html }),
    ...(message.inReplyTo !== undefined && { inReplyTo: message.inReplyTo }),
    ...(message.references.length > 0 && { references: [...message.references] }),
    attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    messageId,
    date: new Date(),
    disableFileAccess: true,
    disableUrlAccess: true,
    xMailer: false,
  });
  const node = composer.compile();
  const envelope = node.getEnvelope();
  // A draft keeps its Bcc header (whoever finishes it must see it); a sent message never carries it.
  node.keepBcc = options.keepBcc ?? false;
  const source = await node.build();
  return { source, messageId, envelope: { from: envelope.from || message.from, to: envelope.to } };
}
