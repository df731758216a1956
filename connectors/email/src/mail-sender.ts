import type { ComposedMessage } from './outgoing-message';

/** Where a composed message goes: an SMTP server (`SmtpMailSender`) or the local outbox (`OutboxMailSender`). */
export interface MailSender {
  /** Hands the message over; resolves with what the receiving side said. */
  send(message: ComposedMessage, signal?: AbortSignal): Promise<SendReceipt>;
  close(): Promise<void>;
}

export interface SendReceipt {
  accepted: string[];
  rejected: string[];
  /** Where it went, for the result: `smtp` or `outbox`. */
  via: 'smtp' | 'outbox';
  /** The message's UID in the outbox mailbox, when it went there. */
  outboxUid?: number;
}
