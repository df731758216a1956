import { ToolError } from '@mcp-hub/connector-kit';
import type { ParsedMail } from 'mailparser';
import type { EmailDeps } from './email-deps';
import { MailboxNotFoundError } from './mail-store';
import { clientName } from './client-name';
import { toMessageDetail, type MessageDetail } from './message-view';

/** Runs store work, turning a missing mailbox into a `not_found` the model can act on. */
export async function onStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MailboxNotFoundError) throw new ToolError('not_found', `There is no mailbox "${error.mailbox}". ${clientName('list_mailboxes')} lists them.`);
    throw error;
  }
}

/** A message, parsed and shown; `not_found` when the mailbox or the UID does not exist. */
export async function requireMessage(deps: EmailDeps, mailbox: string, uid: number, signal?: AbortSignal): Promise<{ detail: MessageDetail; mail: ParsedMail }> {
  const stored = await onStore(() => deps.store.fetchMessage(mailbox, uid, deps.maxMessageBytes, signal));
  if (!stored) throw new ToolError('not_found', `There is no message ${uid} in ${mailbox}. ${clientName('search_messages')} finds messages.`);
  return toMessageDetail(mailbox, stored, deps);
}
