import type { IdempotencyStore } from '@mcp-hub/connector-kit';
import type { MailSender } from './mail-sender';
import type { MailStore } from './mail-store';
import type { RecipientAllowlist } from './recipient-allowlist';

/** What the email handlers receive: the store, the sender, the allowlist and the limits from configuration. */
export interface EmailDeps {
  store: MailStore;
  sender: MailSender;
  allowlist: RecipientAllowlist;
  /** Where idempotency keys of drafts and sends live (shared by replicas when it is Redis). */
  idempotency: IdempotencyStore;
  from: string;
  fromName?: string;
  draftsMailbox: string;
  /** Where a copy of each message sent by SMTP goes, if anywhere. */
  sentMailbox?: string;
  /** The outbox mailbox, when sending goes to the local outbox. */
  outboxMailbox?: string;
  /** Default page of search_messages (the hard cap is MAX_PAGE_SIZE). */
  pageSize: number;
  maxBodyBytes: number;
  maxAttachmentBytes: number;
  maxMessageBytes: number;
}
