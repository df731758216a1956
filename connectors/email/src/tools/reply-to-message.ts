import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent, ToolError } from '@mcp-hub/connector-kit';
import { deliverMessage, SendResultSchema } from '../deliver-message';
import type { EmailDeps } from '../email-deps';
import { EmailAddressSchema, MailboxNameSchema, UidSchema } from '../mail-fields';
import { requireMessage } from '../message-lookup';
import { plainAddresses } from '../message-view';
import { resolveAttachments } from '../resolve-attachments';
import { AttachmentUrisSchema, BodyHtmlSchema, BodyTextSchema, RecipientsSchema, assertBodyWithinCap, replySubject, threadingFor } from './compose-input';
import { sentText } from './send-email';

const name = 'reply_to_message';

export const replyToMessageTool = defineTool({
  name,
  title: 'Reply to message',
  description:
    'Answers a message: to its Reply-To or From address (and, with reply_all, its other recipients), subject "Re: …", threaded with In-Reply-To and References. Every recipient must be on the operator\'s allowlist, or nothing is sent.',
  input: z.strictObject({
    mailbox: MailboxNameSchema.default('INBOX'),
    uid: UidSchema,
    text: BodyTextSchema,
    html: BodyHtmlSchema,
    reply_all: z.boolean().default(false).describe('Also send to the original To and Cc recipients (not to this account).'),
    cc: RecipientsSchema.default([]),
    attachments: AttachmentUrisSchema,
    idempotency_key: IdempotencyKeySchema,
  }),
  output: SendResultSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: EmailDeps) => {
    assertBodyWithinCap(deps.maxBodyBytes, args.text, args.html);
    return runIdempotent(deps.idempotency, ctx, name, args, async () => {
      const { detail, mail } = await requireMessage(deps, args.mailbox, args.uid, ctx.signal);
      if (!detail.messageId) throw new ToolError('invalid_arguments', 'This message has no Message-ID, so a reply cannot be threaded to it.');
      const self = deps.from.toLowerCase();
      const primary = validAddresses(plainAddresses(mail.replyTo).length > 0 ? plainAddresses(mail.replyTo) : plainAddresses(mail.from));
      if (primary.length === 0) throw new ToolError('invalid_arguments', 'The message has no sender address to reply to.');
      const others = args.reply_all ? validAddresses([...plainAddresses(mail.to), ...plainAddresses(mail.cc)]) : [];
      const to = unique(primary).filter((a) => a.toLowerCase() !== self);
      const cc = unique([...others, ...args.cc]).filter((a) => a.toLowerCase() !== self && !to.includes(a));
      if (to.length === 0) throw new ToolError('invalid_arguments', 'The message came from this account; there is no one to reply to.');
      deps.allowlist.check([...to, ...cc]);
      const attachments = await resolveAttachments(deps, args.attachments, ctx.signal);
      const result = await deliverMessage(
        deps,
        ctx,
        {
          from: deps.from,
          ...(deps.fromName !== undefined && { fromName: deps.fromName }),
          to,
          cc,
          bcc: [],
          subject: replySubject(detail.subject),
          text: args.text,
          ...(args.html !== undefined && { html: args.html }),
          ...threadingFor(detail),
          attachments,
        },
        { mailbox: args.mailbox, uid: args.uid },
      );
      return { structured: result, text: sentText(result) };
    });
  },
});

/** Addresses from a third party's headers that are plain addresses; anything else is never replied to. */
function validAddresses(addresses: readonly string[]): string[] {
  return addresses.flatMap((a) => {
    const parsed = EmailAddressSchema.safeParse(a);
    return parsed.success ? [parsed.data] : [];
  });
}

function unique(addresses: readonly string[]): string[] {
  return [...new Set(addresses)];
}
