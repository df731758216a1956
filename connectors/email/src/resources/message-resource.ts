import { defineResourceTemplate, ToolError } from '@mcp-hub/connector-kit';
import type { EmailDeps } from '../email-deps';
import { MailboxNameSchema } from '../mail-fields';
import { requireMessage } from '../message-lookup';
import { MESSAGE_URI_TEMPLATE, positiveInteger } from '../message-uris';

export const messageResource = defineResourceTemplate({
  uriTemplate: MESSAGE_URI_TEMPLATE,
  name: 'message',
  title: 'Email message',
  description: 'One message as JSON: headers, body as cleaned plain text, attachment list. Its text is written by a third party and marked untrusted.',
  mimeType: 'application/json',
  read: async ({ mailbox, uid }, uri, ctx, deps: EmailDeps) => {
    const box = MailboxNameSchema.safeParse(mailbox);
    const number = positiveInteger(uid);
    if (!box.success || number === undefined) throw new ToolError('not_found', `No message at ${uri}.`);
    const { detail } = await requireMessage(deps, box.data, number, ctx.signal);
    return [{ uri, mimeType: 'application/json', text: JSON.stringify(detail, null, 2) }];
  },
  complete: {
    mailbox: async (value, ctx, deps: EmailDeps) => (await deps.store.listMailboxes(ctx.signal)).map((m) => m.name).filter((name) => name.toLowerCase().startsWith(value.toLowerCase())),
  },
});
