/**
 * Where messages are read from and written to: an IMAP server (`ImapMailStore`) or a local
 * Maildir (`MaildirMailStore`, the embedded mode's demo mailbox). Both hand back raw RFC 5322
 * sources, which one parser (`parseMessage`) turns into what tools return, so the offline mode
 * exercises the same read path as a real server.
 */
export interface MailStore {
  listMailboxes(signal?: AbortSignal): Promise<MailboxInfo[]>;
  /** UIDs of the messages matching every given criterion, ascending. */
  search(mailbox: string, criteria: SearchCriteria, signal?: AbortSignal): Promise<number[]>;
  /** Headers (not bodies) of these messages, in UID order; missing UIDs are left out. */
  fetchHeaders(mailbox: string, uids: readonly number[], signal?: AbortSignal): Promise<StoredHeaders[]>;
  /** One message, its source cut at `maxBytes`; undefined when there is no such UID. */
  fetchMessage(mailbox: string, uid: number, maxBytes: number, signal?: AbortSignal): Promise<StoredMessage | undefined>;
  /** Stores a message and returns its UID (undefined when the server does not say). */
  append(mailbox: string, source: Buffer, flags: readonly string[], options?: { receivedAt?: Date; signal?: AbortSignal }): Promise<number | undefined>;
  /** Moves a message; returns its UID in the destination (undefined when the server does not say). False when there was no such message. */
  move(mailbox: string, uid: number, destination: string, signal?: AbortSignal): Promise<{ moved: boolean; uid?: number }>;
  /** Adds and removes IMAP system flags (`\Seen`, `\Flagged`, `\Answered`); returns the flags after, or undefined when there is no such message. */
  setFlags(mailbox: string, uid: number, add: readonly string[], remove: readonly string[], signal?: AbortSignal): Promise<string[] | undefined>;
  /** Calls `onChange` when messages arrive in or leave `mailbox` (IMAP IDLE, or polling a Maildir). Returns a function that stops watching. */
  watch(mailbox: string, onChange: () => void): () => void;
  close(): Promise<void>;
}

export interface MailboxInfo {
  name: string;
  /** RFC 6154 special use (`\Drafts`, `\Sent`, `\Trash`, …) when the server says. */
  specialUse?: string;
  messages: number;
  unseen: number;
}

/** Search criteria; every one given must hold. Text matches are case-insensitive substrings. */
export interface SearchCriteria {
  from?: string;
  to?: string;
  subject?: string;
  /** Anywhere in headers or body. */
  text?: string;
  /** Received on or after this day (IMAP SINCE: the date part only). */
  since?: Date;
  /** Received before this day (IMAP BEFORE). */
  before?: Date;
  unseen?: boolean;
  /** A header contains this value (substring), e.g. References containing a Message-ID. */
  header?: { name: string; value: string };
}

export interface StoredHeaders {
  uid: number;
  flags: string[];
  /** Size of the whole message in bytes. */
  size: number;
  /** The raw header block. */
  headers: Buffer;
}

export interface StoredMessage {
  uid: number;
  flags: string[];
  size: number;
  /** The raw message, at most the `maxBytes` asked for. */
  source: Buffer;
}

/** Thrown by a store for a mailbox it does not have. */
export class MailboxNotFoundError extends Error {
  override readonly name = 'MailboxNotFoundError';
  constructor(readonly mailbox: string) {
    super(`no mailbox ${mailbox}`);
  }
}
