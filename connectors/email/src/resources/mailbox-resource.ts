import { defineResourceTemplate, ToolError } from '@mcp-hub/connector-kit';
import type { EmailDeps } from '../email-deps';
import { MailboxNameSchema } from '../mail-fields';
import { onStore } from '../message-lookup';
import { MAILBOX_URI_TEMPLATE } from '../message-uris';
import { toMessageSummary } from '../message-view';

/** Messages listed by the mailbox resource, newest first. */
export const MAILBOX_RESOURCE_MESSAGES = 20;

export const mailboxResource = defineResourceTemplate({
  uriTemplate: MAILBOX_URI_TEMPLATE,
  name: 'mailbox',
  title: 'Newest messages of a mailbox',
  description: `The ${MAILBOX_RESOURCE_MESSAGES} newest messages of a mailbox (e.g. email://INBOX/messages, or email://Outbox/messages for what the local outbox holds). Subscribe to it to be told when mail arrives.`,
  mimeType: 'application/json',
  read: async ({ mailbox }, uri, ctx, deps: EmailDeps) => {
    const box = MailboxNameSchema.safeParse(mailbox);
    if (!box.success) throw new ToolError('not_found', `No mailbox at ${uri}.`);
    const uids = await onStore(() => deps.store.search(box.data, {}, ctx.signal));
    const newest = uids.slice(-MAILBOX_RESOURCE_MESSAGES);
    const headers = await onStore(() => deps.store.fetchHeaders(box.data, newest, ctx.signal));
    const messages = (await Promise.all(headers.map((h) => toMessageSummary(box.data, h)))).sort((a, b) => b.uid - a.uid);
    const body = { mailbox: box.data, total: uids.length, messages, truncated: uids.length > newest.length };
    return [{ uri, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }];
  },
  complete: {
    mailbox: async (value, ctx, deps: EmailDeps) => (await deps.store.listMailboxes(ctx.signal)).map((m) => m.name).filter((name) => name.toLowerCase().startsWith(value.toLowerCase())),
  },
});
