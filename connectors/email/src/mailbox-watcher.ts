import type { Logger } from 'pino';
import type { ResourceUpdatePublisher } from '@mcp-hub/connector-kit';
import type { MailStore } from './mail-store';
import { mailboxUri } from './message-uris';

/**
 * Watches mailboxes for mail that no call of this connector moved (new mail, another client's
 * deletions) and announces `email://{mailbox}/messages` as updated, so subscribed clients get
 * `notifications/resources/updated`. The store decides how: IDLE on IMAP, polling on a Maildir.
 * Every replica watches, so a client may hear of one change more than once: harmless for an
 * "updated" notice, and no replica depends on another being alive.
 */
export function watchMailboxes(store: MailStore, mailboxes: readonly string[], updates: ResourceUpdatePublisher, logger: Logger): () => void {
  const stops = mailboxes.map((mailbox) =>
    store.watch(mailbox, () => {
      logger.debug({ mailbox }, 'mailbox changed');
      updates.resourceUpdated(mailboxUri(mailbox));
    }),
  );
  return () => stops.forEach((stop) => stop());
}
