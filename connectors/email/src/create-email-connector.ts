import type { Logger } from 'pino';
import { Redis } from 'ioredis';
import { InMemoryIdempotencyStore, RedisIdempotencyStore, type IdempotencyStore } from '@mcp-hub/connector-kit';
import { passwordOf, type EmailConfig } from './config';
import { emailConnector } from './connector';
import { seedDemoMailbox } from './demo-mailbox';
import type { EmailDeps } from './email-deps';
import type { MailSender } from './mail-sender';
import type { MailStore } from './mail-store';
import { watchMailboxes } from './mailbox-watcher';
import { OutboxMailSender } from './outbox-mail-sender';
import { RecipientAllowlist } from './recipient-allowlist';
import type { SmtpMailSender } from './smtp-mail-sender';
import type { ImapMailStore } from './stores/imap-mail-store';
import { MaildirMailStore } from './stores/maildir-mail-store';

/** Mailboxes a new Maildir gets besides INBOX. */
const MAILDIR_MAILBOXES = ['Drafts', 'Sent', 'Outbox', 'Archive', 'Trash'];

/**
 * Opens the store (and checks the IMAP login), the sender (and checks the SMTP login), seeds
 * the demo mailbox when asked, and builds the deps. On any failure what was opened is closed.
 */
export async function createEmailConnector(config: EmailConfig, logger: Logger) {
  const secrets: string[] = [];
  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    let store: MailStore;
    if (config.store.kind === 'imap') {
      const password = passwordOf(config.store) ?? '';
      secrets.push(password);
      const imap = new (loadImapMailStore())({ host: config.store.host, port: config.store.port, secure: config.store.secure, user: config.store.user, password, allowSelfSigned: config.store.allowSelfSigned }, logger);
      closers.push(() => imap.close());
      await imap.verify();
      store = imap;
    } else {
      const maildir = await MaildirMailStore.open(config.store.path, { mailboxes: MAILDIR_MAILBOXES, pollIntervalMs: config.pollIntervalMs });
      closers.push(() => maildir.close());
      if (config.store.seedDemoData && (await seedDemoMailbox(maildir))) logger.info('seeded the empty mailbox with demo support emails');
      store = maildir;
    }
    let sender: MailSender;
    if (config.transport.kind === 'smtp') {
      const password = passwordOf(config.transport);
      if (password !== undefined) secrets.push(password);
      const smtp = new (loadSmtpMailSender())({ ...config.transport, ...(password !== undefined && { password }) });
      closers.push(() => smtp.close());
      await smtp.verify();
      sender = smtp;
    } else {
      sender = new OutboxMailSender(store, config.outboxMailbox);
    }
    await checkMailboxes(store, config, logger);
    const idempotency = await openIdempotencyStore(config, logger, secrets, closers);
    if (config.allowedRecipients.length === 0) logger.warn('no allowed recipients: every send will be refused (set EMAIL_ALLOWED_RECIPIENTS)');
    const deps: EmailDeps = {
      store,
      sender,
      allowlist: new RecipientAllowlist(config.allowedRecipients),
      idempotency,
      from: config.from,
      ...(config.fromName !== undefined && { fromName: config.fromName }),
      draftsMailbox: config.draftsMailbox,
      ...(config.transport.kind === 'smtp' && config.sentMailbox !== undefined && { sentMailbox: config.sentMailbox }),
      ...(config.transport.kind === 'outbox' && { outboxMailbox: config.outboxMailbox }),
      pageSize: config.pageSize,
      maxBodyBytes: config.maxBodyBytes,
      maxAttachmentBytes: config.maxAttachmentBytes,
      maxMessageBytes: config.maxMessageBytes,
    };
    logger.info({ store: config.store.kind, transport: config.transport.kind }, 'email connector ready');
    let stopWatching: (() => void) | undefined;
    return {
      connector: emailConnector,
      deps,
      secrets,
      attach: (updates: Parameters<typeof watchMailboxes>[2]) => {
        stopWatching = watchMailboxes(store, config.watchMailboxes, updates, logger);
      },
      close: async () => {
        stopWatching?.();
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/*
 * The files that wrap imapflow and nodemailer's SMTP transport are loaded only when the
 * configuration uses them: the embedded mode needs neither, and loading them slows its start.
 * require, not import(): the CLI and the tests load TypeScript through require hooks (tsx, jest).
 */
function loadImapMailStore(): typeof ImapMailStore {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./stores/imap-mail-store') as typeof import('./stores/imap-mail-store')).ImapMailStore;
}

function loadSmtpMailSender(): typeof SmtpMailSender {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./smtp-mail-sender') as typeof import('./smtp-mail-sender')).SmtpMailSender;
}

/** Mailboxes the configuration names must exist: a watcher or an outbox on a missing one would fail later and quietly. */
async function checkMailboxes(store: MailStore, config: EmailConfig, logger: Logger): Promise<void> {
  const known = new Set((await store.listMailboxes()).map((m) => m.name));
  const required = [...config.watchMailboxes.map((name) => ['watchMailboxes', name] as const), ...(config.transport.kind === 'outbox' ? [['outboxMailbox', config.outboxMailbox] as const] : [])];
  const missing = required.filter(([, name]) => !known.has(name));
  if (missing.length > 0) throw new Error(`${missing.map(([key, name]) => `${key}: there is no mailbox "${name}"`).join('; ')} (the account has ${[...known].join(', ')})`);
  for (const [key, name] of [['draftsMailbox', config.draftsMailbox], ['sentMailbox', config.sentMailbox]] as const) {
    if (name !== undefined && !known.has(name)) logger.warn({ [key]: name }, `there is no mailbox "${name}" (${key}): tools that write there will fail`);
  }
}

async function openIdempotencyStore(config: EmailConfig, logger: Logger, secrets: string[], closers: Array<() => Promise<void>>): Promise<IdempotencyStore> {
  const { redisUrl, keyPrefix } = config.idempotency;
  if (!redisUrl) {
    if (config.transport.kind === 'smtp') logger.warn('idempotency keys of sends are kept in this replica only: set EMAIL_IDEMPOTENCY_REDIS_URL (or REDIS_URL) when running several replicas');
    return new InMemoryIdempotencyStore();
  }
  secrets.push(redisUrl);
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  closers.push(async () => void redis.disconnect());
  await redis.connect();
  return new RedisIdempotencyStore({ redis, prefix: keyPrefix });
}
