import type { HandlerContext } from '@mcp-hub/connector-kit';
import { z } from 'zod';
import type { EmailDeps } from './email-deps';
import { onStore } from './message-lookup';
import { mailboxUri, messageUri, publishMessageChanged } from './message-uris';
import { composeMessage, type OutgoingMessage } from './outgoing-message';

export const SendResultSchema = z.object({
  messageId: z.string().describe('Message-ID of the message sent.'),
  accepted: z.array(z.string()).describe('Recipients the server (or the outbox) accepted.'),
  rejected: z.array(z.string()).describe('Recipients the server refused.'),
  via: z.enum(['smtp', 'outbox']).describe('smtp: handed to the mail server; outbox: stored in the local outbox, not sent anywhere.'),
  outboxUri: z.string().optional().describe('Resource URI of the copy in the local outbox.'),
  inReplyTo: z.string().optional().describe('Message-ID of the message answered.'),
});
export type SendResult = z.infer<typeof SendResultSchema>;

/**
 * Sends a message that already passed the allowlist: composes it, hands it to the sender, keeps
 * a copy in the sent mailbox when configured, marks the message answered, and announces the
 * changed resources.
 */
export async function deliverMessage(
  deps: EmailDeps,
  ctx: HandlerContext,
  message: OutgoingMessage,
  answered?: { mailbox: string; uid: number },
): Promise<SendResult> {
  deps.allowlist.check([...message.to, ...message.cc, ...message.bcc]);
  const composed = await composeMessage(message, domainOf(deps.from));
  const receipt = await deps.sender.send(composed, ctx.signal);
  ctx.logger.info({ messageId: composed.messageId, via: receipt.via, recipients: composed.envelope.to.length }, 'email sent');
  if (receipt.via === 'smtp' && deps.sentMailbox) {
    const sentCopy = await composeMessage(message, domainOf(deps.from), { keepBcc: true, messageId: composed.messageId });
    await onStore(() => deps.store.append(deps.sentMailbox!, sentCopy.source, ['\\Seen'])).then(
      () => ctx.resourceUpdated(mailboxUri(deps.sentMailbox!)),
      (error: unknown) => ctx.logger.warn({ err: error }, 'sent, but could not store a copy in the sent mailbox'),
    );
  }
  if (receipt.via === 'outbox' && deps.outboxMailbox) publishMessageChanged(ctx, deps.outboxMailbox, receipt.outboxUid);
  if (answered) {
    await deps.store.setFlags(answered.mailbox, answered.uid, ['\\Answered'], []).then(
      () => publishMessageChanged(ctx, answered.mailbox, answered.uid),
      (error: unknown) => ctx.logger.warn({ err: error }, 'sent, but could not mark the original answered'),
    );
  }
  return {
    messageId: composed.messageId,
    accepted: receipt.accepted,
    rejected: receipt.rejected,
    via: receipt.via,
    ...(receipt.outboxUid !== undefined && deps.outboxMailbox && { outboxUri: messageUri(deps.outboxMailbox, receipt.outboxUid) }),
    ...(message.inReplyTo !== undefined && { inReplyTo: message.inReplyTo }),
  };
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}
