import { defineResourceTemplate, ToolError } from '@mcp-hub/connector-kit';
import type { EmailDeps } from '../email-deps';
import { MailboxNameSchema } from '../mail-fields';
import { ATTACHMENT_URI_TEMPLATE, parseAttachmentUri } from '../message-uris';
import { resolveAttachments } from '../resolve-attachments';

export const attachmentResource = defineResourceTemplate({
  uriTemplate: ATTACHMENT_URI_TEMPLATE,
  name: 'attachment',
  title: 'Email attachment',
  description: 'The bytes of one attachment (base64), up to the configured size cap. Its content comes from a third party.',
  read: async (_params, uri, ctx, deps: EmailDeps) => {
    const ref = parseAttachmentUri(uri);
    if (!ref || !MailboxNameSchema.safeParse(ref.mailbox).success) throw new ToolError('not_found', `No attachment at ${uri}.`);
    const [attachment] = await resolveAttachments(deps, [uri], ctx.signal);
    return [{ uri, mimeType: attachment!.contentType, blob: attachment!.content.toString('base64') }];
  },
});
