import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent, ToolError } from '@mcp-hub/connector-kit';
import { deliverMessage, SendResultSchema } from '../deliver-message';
import type { EmailDeps } from '../email-deps';
import { requireMessage } from '../message-lookup';
import { resolveAttachments } from '../resolve-attachments';
import { AttachmentUrisSchema, BodyHtmlSchema, BodyTextSchema, MessageRefSchema, RecipientsSchema, SubjectSchema, assertBodyWithinCap, threadingFor } from './compose-input';

const name = 'send_email';

export const sendEmailTool = defineTool({
  name,
  title: 'Send email',
  description:
    'Sends an email. Every recipient (to, cc, bcc) must be on the operator\'s allowlist, or nothing is sent. Give in_reply_to to answer a message: the reply then carries In-Reply-To and References so it stays in the thread. Attachments can only be attachments of messages in this mailbox.',
  input: z.strictObject({
    to: RecipientsSchema.min(1),
    cc: RecipientsSchema.default([]),
    bcc: RecipientsSchema.default([]),
    subject: SubjectSchema,
    text: BodyTextSchema,
    html: BodyHtmlSchema,
    in_reply_to: MessageRefSchema.optional().describe('The message this answers (mailbox and uid).'),
    attachments: AttachmentUrisSchema,
    idempotency_key: IdempotencyKeySchema,
  }),
  output: SendResultSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: EmailDeps) => {
    assertBodyWithinCap(deps.maxBodyBytes, args.text, args.html);
    deps.allowlist.check([...args.to, ...args.cc, ...args.bcc]);
    return runIdempotent(deps.idempotency, ctx, name, args, async () => {
      const original = args.in_reply_to && (await requireMessage(deps, args.in_reply_to.mailbox, args.in_reply_to.uid, ctx.signal)).detail;
      if (original && !original.messageId) throw new ToolError('invalid_arguments', 'The message in in_reply_to has no Message-ID, so a reply cannot be threaded to it; send without in_reply_to.');
      const attachments = await resolveAttachments(deps, args.attachments, ctx.signal);
      const result = await deliverMessage(
        deps,
        ctx,
        {
          from: deps.from,
          ...(deps.fromName !== undefined && { fromName: deps.fromName }),
          to: args.to,
          cc: args.cc,
          bcc: args.bcc,
          subject: args.subject,
          text: args.text,
          ...(args.html !== undefined && { html: args.html }),
          ...(original ? threadingFor(original) : { references: [] }),
          attachments,
        },
        args.in_reply_to,
      );
      return { structured: result, text: sentText(result) };
    });
  },
});

export function sentText(result: z.infer<typeof SendResultSchema>): string {
  const where = result.via === 'outbox' ? `stored in the local outbox (${result.outboxUri ?? 'no URI'}); nothing left this machine` : 'handed to the mail server';
  return `Sent ${result.messageId} to ${result.accepted.join(', ')}: ${where}.${result.rejected.length > 0 ? ` Refused by the server: ${result.rejected.join(', ')}.` : ''}${result.inReplyTo ? ` In reply to ${result.inReplyTo}.` : ''}`;
}
