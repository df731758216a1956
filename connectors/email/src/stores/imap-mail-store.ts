import { ImapFlow, type ImapFlowOptions, type SearchObject } from 'imapflow';
import type { Logger } from 'pino';
import { ToolError } from '@mcp-hub/connector-kit';
import { MailboxNotFoundError, type MailboxInfo, type MailStore, type SearchCriteria, type StoredHeaders, type StoredMessage } from '../mail-store';

/** How to reach the IMAP server. The password comes from the environment or a secret file, never from a tool. */
export interface ImapAccount {
  host: string;
  port: number;
  /** TLS from the first byte (993); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  /** Accept a self-signed certificate (tests, a server on loopback). Default false. */
  allowSelfSigned?: boolean;
}

/** Waiting for the server before connecting fails, in ms. */
const TIMEOUT_MS = 15_000;
/** Quiet time before a watcher's connection enters IDLE, in ms. */
const WATCH_IDLE_DELAY_MS = 200;
/** Delay before a watcher whose connection dropped connects again. */
const WATCH_RECONNECT_MS = 5_000;

/**
 * A mailbox on an IMAP server, through imapflow: one connection for the tools (each call locks
 * the mailbox it works on, so calls on different mailboxes never interleave on it), opened on
 * first use and again after it dropped, and one more connection per watched mailbox, held in
 * IDLE so the server tells when messages arrive.
 */
export class ImapMailStore implements MailStore {
  private client?: ImapFlow;
  private connecting?: Promise<ImapFlow>;
  private readonly watchers = new Set<() => void>();

  constructor(
    private readonly account: ImapAccount,
    private readonly logger: Logger,
  ) {}

  /** Connects once, so that a wrong host or password stops startup with a clear error. */
  async verify(): Promise<void> {
    await this.connection();
  }

  async listMailboxes(): Promise<MailboxInfo[]> {
    return this.guard(undefined, async (client) => {
      const listed = await client.list({ statusQuery: { messages: true, unseen: true } });
      return listed
        .filter((box) => !box.flags.has('\\Noselect'))
        .map((box) => ({ name: box.path, ...(box.specialUse && { specialUse: box.specialUse }), messages: box.status?.messages ?? 0, unseen: box.status?.unseen ?? 0 }));
    });
  }

  async search(mailbox: string, criteria: SearchCriteria): Promise<number[]> {
    return this.withMailbox(mailbox, async (client) => {
      const uids = await client.search(toSearchObject(criteria), { uid: true });
      return (uids || []).sort((a, b) => a - b);
    });
  }

  async fetchHeaders(mailbox: string, uids: readonly number[]): Promise<StoredHeaders[]> {
    if (uids.length === 0) return [];
    return this.withMailbox(mailbox, async (client) => {
      const messages = await client.fetchAll(uids.join(','), { uid: true, flags: true, size: true, headers: true }, { uid: true });
      return messages
        .map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])], size: m.size ?? 0, headers: m.headers ?? Buffer.alloc(0) }))
        .sort((a, b) => a.uid - b.uid);
    });
  }

  async fetchMessage(mailbox: string, uid: number, maxBytes: number): Promise<StoredMessage | undefined> {
    return this.withMailbox(mailbox, async (client) => {
      const message = await client.fetchOne(String(uid), { uid: true, flags: true, size: true, source: { maxLength: maxBytes } }, { uid: true });
      if (!message || !message.source) return undefined;
      return { uid: message.uid, flags: [...(message.flags ?? [])], size: message.size ?? message.source.length, source: message.source };
    });
  }

  async append(mailbox: string, source: Buffer, flags: readonly string[], options: { receivedAt?: Date } = {}): Promise<number | undefined> {
    return this.guard(mailbox, async (client) => {
      const appended = await client.append(mailbox, source, [...flags], options.receivedAt);
      if (!appended) throw new ToolError('upstream', `The mail server refused to store the message in ${mailbox}.`);
      return appended.uid;
    });
  }

  async move(mailbox: string, uid: number, destination: string): Promise<{ moved: boolean; uid?: number }> {
    return this.withMailbox(mailbox, async (client) => {
      const exists = await client.search({ uid: String(uid) }, { uid: true });
      if (!exists || exists.length === 0) return { moved: false };
      const moved = await client.messageMove(String(uid), destination, { uid: true });
      if (!moved) throw new MailboxNotFoundError(destination);
      const newUid = moved.uidMap?.get(uid);
      return { moved: true, ...(newUid !== undefined && { uid: newUid }) };
    });
  }

  async setFlags(mailbox: string, uid: number, add: readonly string[], remove: readonly string[]): Promise<string[] | undefined> {
    return this.withMailbox(mailbox, async (client) => {
      const range = String(uid);
      if (add.length > 0) await client.messageFlagsAdd(range, [...add], { uid: true });
      if (remove.length > 0) await client.messageFlagsRemove(range, [...remove], { uid: true });
      const message = await client.fetchOne(range, { uid: true, flags: true }, { uid: true });
      return message ? [...(message.flags ?? [])] : undefined;
    });
  }

  /** A connection of its own in IDLE on `mailbox`; it reconnects after a drop until stopped. */
  watch(mailbox: string, onChange: () => void): () => void {
    let stopped = false;
    let client: ImapFlow | undefined;
    let retry: NodeJS.Timeout | undefined;
    const start = async () => {
      if (stopped) return;
      // This connection does nothing but wait, so it enters IDLE at once (imapflow waits 15 s by default).
      client = new ImapFlow({ ...this.options(), autoIdleDelay: WATCH_IDLE_DELAY_MS });
      client.on('exists', onChange);
      client.on('expunge', onChange);
      client.on('error', (error: Error) => this.logger.warn({ err: { message: error.message }, mailbox }, 'IMAP watcher error'));
      client.on('close', () => {
        if (!stopped) retry = setTimeout(() => void start(), WATCH_RECONNECT_MS).unref();
      });
      try {
        await client.connect();
        await client.mailboxOpen(mailbox, { readOnly: true });
      } catch (error) {
        this.logger.warn({ err: { message: (error as Error).message }, mailbox }, 'IMAP watcher could not open the mailbox');
        client.close();
      }
    };
    void start();
    const stop = () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      client?.close();
      this.watchers.delete(stop);
    };
    this.watchers.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    for (const stop of [...this.watchers]) stop();
    const client = this.client;
    this.client = undefined;
    if (client?.usable) await client.logout().catch(() => client.close());
  }

  private options(): ImapFlowOptions {
    const { host, port, secure, user, password, allowSelfSigned } = this.account;
    return {
      host,
      port,
      secure,
      auth: { user, pass: password },
      logger: false,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: 5 * 60_000,
      ...(allowSelfSigned && { tls: { rejectUnauthorized: false } }),
    };
  }

  private async connection(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    this.connecting ??= (async () => {
      const client = new ImapFlow(this.options());
      client.on('error', (error: Error) => this.logger.warn({ err: { message: error.message } }, 'IMAP connection error'));
      try {
        await client.connect();
      } catch (error) {
        throw toToolError(error, undefined);
      }
      this.client = client;
      return client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private withMailbox<T>(mailbox: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    return this.guard(mailbox, async (client) => {
      const lock = await client.getMailboxLock(mailbox);
      try {
        return await work(client);
      } finally {
        lock.release();
      }
    });
  }

  /** Runs `work` on the connection and turns the server's refusals into errors the tools understand. */
  private async guard<T>(mailbox: string | undefined, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.connection();
    try {
      return await work(client);
    } catch (error) {
      throw toToolError(error, mailbox);
    }
  }
}

function toSearchObject(criteria: SearchCriteria): SearchObject {
  const query: SearchObject = {};
  if (criteria.from !== undefined) query.from = criteria.from;
  if (criteria.to !== undefined) query.or = [{ to: criteria.to }, { cc: criteria.to }];
  if (criteria.subject !== undefined) query.subject = criteria.subject;
  if (criteria.text !== undefined) query.text = criteria.text;
  if (criteria.since !== undefined) query.since = criteria.since;
  if (criteria.before !== undefined) query.before = criteria.before;
  if (criteria.unseen) query.seen = false;
  if (criteria.header !== undefined) query.header = { [criteria.header.name]: criteria.header.value };
  if (Object.keys(query).length === 0) query.all = true;
  return query;
}

interface ImapError {
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseText?: string;
  code?: string;
}

function toToolError(error: unknown, mailbox: string | undefined): Error {
  if (error instanceof ToolError || error instanceof MailboxNotFoundError) return error;
  const detail = (error ?? {}) as ImapError;
  if (detail.authenticationFailed) return new ToolError('unauthorized', 'The mail server refused the connector\'s credentials; an operator must fix the IMAP configuration.');
  if (mailbox !== undefined && (detail.serverResponseCode === 'NONEXISTENT' || /does ?n[o']t exist|unknown mailbox|no such mailbox/i.test(detail.responseText ?? ''))) {
    return new MailboxNotFoundError(mailbox);
  }
  const reason = detail.responseText ?? detail.code ?? 'no answer';
  return new ToolError('upstream', `The mail server failed: ${reason.slice(0, 200)}`);
}
