import type { MailSender, SendReceipt } from './mail-sender';
import type { MailStore } from './mail-store';
import type { ComposedMessage } from './outgoing-message';

/**
 * Sends nowhere: stores the message in the outbox mailbox of the connector's own store, where it
 * reads like any other message (`email://Outbox/messages/{uid}`). The embedded mode's sender,
 * so that a hub with no mail server shows what would have gone out.
 */
export class OutboxMailSender implements MailSender {
  constructor(
    private readonly store: MailStore,
    readonly mailbox: string,
  ) {}

  async send(message: ComposedMessage, signal?: AbortSignal): Promise<SendReceipt> {
    const uid = await this.store.append(this.mailbox, message.source, ['\\Seen'], { signal });
    return { accepted: [...message.envelope.to], rejected: [], via: 'outbox', ...(uid !== undefined && { outboxUid: uid }) };
  }

  async close(): Promise<void> {}
}
