import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent, ToolError } from '@mcp-hub/connector-kit';
import type { EmailDeps } from '../email-deps';
import { onStore, requireMessage } from '../message-lookup';
import { messageLink, messageUri, publishMessageChanged } from '../message-uris';
import { composeMessage } from '../outgoing-message';
import { resolveAttachments } from '../resolve-attachments';
import { AttachmentUrisSchema, BodyHtmlSchema, BodyTextSchema, MessageRefSchema, RecipientsSchema, SubjectSchema, assertBodyWithinCap, threadingFor } from './compose-input';

const name = 'create_draft';

export const createDraftTool = defineTool({
  name,
  title: 'Create draft',
  description:
    'Saves a message in the Drafts mailbox without sending it, for a person to review and send from their mail client. Give in_reply_to to thread it to a message. Attachments can only be attachments of messages in this mailbox.',
  input: z.strictObject({
    to: RecipientsSchema.default([]),
    cc: RecipientsSchema.default([]),
    bcc: RecipientsSchema.default([]),
    subject: SubjectSchema,
    text: BodyTextSchema,
    html: BodyHtmlSchema,
    in_reply_to: MessageRefSchema.optional().describe('The message this answers (mailbox and uid).'),
    attachments: AttachmentUrisSchema,
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({
    mailbox: z.string(),
    uid: z.number().int().nullable().describe('UID of the draft, when the server said.'),
    uri: z.string().nullable(),
    messageId: z.string(),
    inReplyTo: z.string().optional(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (args, ctx, deps: EmailDeps) => {
    assertBodyWithinCap(deps.maxBodyBytes, args.text, args.html);
    return runIdempotent(deps.idempotency, ctx, name, args, async () => {
      const original = args.in_reply_to && (await requireMessage(deps, args.in_reply_to.mailbox, args.in_reply_to.uid, ctx.signal)).detail;
      if (original && !original.messageId) throw new ToolError('invalid_arguments', 'The message in in_reply_to has no Message-ID, so a draft cannot be threaded to it.');
      const threading = original ? threadingFor(original) : { references: [] };
      const composed = await composeMessage(
        {
          from: deps.from,
          ...(deps.fromName !== undefined && { fromName: deps.fromName }),
          to: args.to,
          cc: args.cc,
          bcc: args.bcc,
          subject: args.subject,
          text: args.text,
          ...(args.html !== undefined && { html: args.html }),
          ...threading,
          attachments: await resolveAttachments(deps, args.attachments, ctx.signal),
        },
        deps.from.slice(deps.from.lastIndexOf('@') + 1),
        { keepBcc: true },
      );
      const uid = await onStore(() => deps.store.append(deps.draftsMailbox, composed.source, ['\\Draft', '\\Seen'], { signal: ctx.signal }));
      publishMessageChanged(ctx, deps.draftsMailbox, uid);
      const structured = {
        mailbox: deps.draftsMailbox,
        uid: uid ?? null,
        uri: uid === undefined ? null : messageUri(deps.draftsMailbox, uid),
        messageId: composed.messageId,
        ...(threading.inReplyTo !== undefined && { inReplyTo: threading.inReplyTo }),
      };
      return {
        structured,
        text: `Saved draft ${composed.messageId} in ${deps.draftsMailbox}${uid === undefined ? '' : ` as message ${uid}`}. It was not sent.`,
        ...(uid !== undefined && { links: [messageLink(deps.draftsMailbox, uid)] }),
      };
    });
  },
});
