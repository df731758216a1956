import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { booleanFromEnv } from '@mcp-hub/connector-kit';
import { EmailAddressSchema, MailboxNameSchema, headerText } from './mail-fields';

/** Hard cap on a search page, whatever the configuration or the caller asks. */
export const MAX_PAGE_SIZE = 100;

const HostSchema = z.string().min(1).max(253).regex(/^[\w.:[\]-]+$/, 'a host name or IP address');
const PortSchema = z.number().int().min(1).max(65_535);

/** A password, given directly (from an environment variable) or as a secret file the connector reads. */
const PasswordFields = {
  /** Set it with EMAIL_IMAP_PASSWORD / EMAIL_SMTP_PASSWORD, never in a config file. Never logged. */
  password: z.string().min(1).optional(),
  /** A file holding the password (a mounted secret); a trailing newline is ignored. */
  passwordFile: z.string().min(1).optional(),
};

const ImapStoreSchema = z.strictObject({
  kind: z.literal('imap'),
  host: HostSchema,
  port: PortSchema.default(993),
  /** TLS from the first byte (993). Default true. */
  secure: z.boolean().default(true),
  user: z.string().min(1).max(320),
  ...PasswordFields,
  /** Accept a self-signed server certificate (a server on loopback). Default false. */
  allowSelfSigned: z.boolean().default(false),
});

const MaildirStoreSchema = z.strictObject({
  kind: z.literal('maildir'),
  /** Root of a Maildir++ tree (INBOX is the root, other mailboxes `.Name`). Created when missing. */
  path: z.string().min(1),
  /** Fills an empty INBOX with the demo support emails. Default false. */
  seedDemoData: z.boolean().default(false),
});

const SmtpTransportSchema = z.strictObject({
  kind: z.literal('smtp'),
  host: HostSchema,
  port: PortSchema.default(587),
  /** TLS from the first byte (465). Default false: STARTTLS. */
  secure: z.boolean().default(false),
  /** Refuse to send over a connection without TLS. Default true. */
  requireTls: z.boolean().default(true),
  user: z.string().min(1).max(320).optional(),
  ...PasswordFields,
  allowSelfSigned: z.boolean().default(false),
});

const OutboxTransportSchema = z.strictObject({ kind: z.literal('outbox') });

/**
 * Layers of configuration are deep-merged, so switching the embedded Maildir to IMAP (or the
 * outbox to SMTP) from a file or the environment leaves the other kind's keys behind: they are
 * dropped before the strict check. Unknown keys still fail.
 */
function kindOf<T extends z.ZodType>(schema: T, keysByKind: Record<string, string[]>) {
  return z.preprocess(
    (value) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      const kind = String((value as { kind?: unknown }).kind);
      const other = Object.entries(keysByKind).flatMap(([k, keys]) => (k === kind ? [] : keys.filter((key) => !(keysByKind[kind] ?? []).includes(key))));
      return Object.fromEntries(Object.entries(value).filter(([key]) => !other.includes(key)));
    },
    schema,
  );
}

const StoreSchema = kindOf(
  z.discriminatedUnion('kind', [ImapStoreSchema, MaildirStoreSchema], {
    error: (issue) =>
      issue.input === undefined
        ? 'missing: set EMAIL_IMAP_HOST (with EMAIL_IMAP_USER, EMAIL_IMAP_PASSWORD) or EMAIL_MAILDIR_PATH, or connectors.email.store in the --config file'
        : undefined,
  }),
  { imap: ['host', 'port', 'secure', 'user', 'password', 'passwordFile', 'allowSelfSigned'], maildir: ['path', 'seedDemoData'] },
);

const TransportSchema = kindOf(z.discriminatedUnion('kind', [SmtpTransportSchema, OutboxTransportSchema]), {
  smtp: ['host', 'port', 'secure', 'requireTls', 'user', 'password', 'passwordFile', 'allowSelfSigned'],
  outbox: [],
});

/** An allowlist entry: an address (`pat@example.com`) or a domain (`example.com`, `@example.com`). */
const RecipientEntrySchema = z.union([
  EmailAddressSchema,
  z
    .string()
    .regex(/^@?[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$/, 'an address (pat@example.com) or a domain (example.com)')
    .transform((d) => d.toLowerCase()),
]);

/** Configuration of the email connector. Unknown keys are errors, named by their path. */
export const EmailConfigSchema = z
  .strictObject({
    store: StoreSchema,
    /** Where sent mail goes. Default: the store's outbox mailbox (nothing leaves the machine). */
    transport: TransportSchema.default({ kind: 'outbox' }),
    /** The sender address of every message. */
    from: z
      .string({ error: (issue) => (issue.input === undefined ? 'missing: set EMAIL_FROM or connectors.email.from in the --config file' : undefined) })
      .pipe(EmailAddressSchema),
    /** Display name of the sender. */
    fromName: headerText(100).optional(),
    /** Addresses and domains the connector may send to (To, Cc and Bcc). Empty: no one. */
    allowedRecipients: z.array(RecipientEntrySchema).max(1000).default([]),
    draftsMailbox: MailboxNameSchema.default('Drafts'),
    /** The outbox transport's mailbox. */
    outboxMailbox: MailboxNameSchema.default('Outbox'),
    /** Where a copy of each message sent by SMTP is stored (most servers other than Gmail do not do it themselves). Default: none. */
    sentMailbox: MailboxNameSchema.optional(),
    /** Mailboxes watched for new mail (IMAP IDLE or polling a Maildir): their subscribers get resources/updated. */
    watchMailboxes: z.array(MailboxNameSchema).max(20).default(['INBOX']),
    /** Maildir polling period in ms. Default 2000. */
    pollIntervalMs: z.number().int().min(200).max(600_000).default(2000),
    /** Default page of search_messages. Default 20, at most 100. */
    pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
    /** Cap in UTF-8 bytes on a body returned or written. Default 64 KiB, at most 256 KiB (results must fit a bus message). */
    maxBodyBytes: z.number().int().min(1024).max(262_144).default(65_536),
    /** Cap in bytes on one attachment read or forwarded. Default 512 KiB, at most 700 KiB (base64 must fit a bus message). */
    maxAttachmentBytes: z.number().int().min(1024).max(700 * 1024).default(512 * 1024),
    /** Cap in bytes on a message source fetched. Default 10 MiB. */
    maxMessageBytes: z.number().int().min(64 * 1024).max(50 * 1024 * 1024).default(10 * 1024 * 1024),
    /** Where idempotency keys live; without `redisUrl`, in this replica's memory. */
    idempotency: z
      .strictObject({
        redisUrl: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
        keyPrefix: z.string().min(1).max(200).default('mcphub:idempotency:email'),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    for (const [key, section] of [['store', config.store], ['transport', config.transport]] as const) {
      if ('password' in section && section.password !== undefined && section.passwordFile !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key, 'password'], message: 'give password or passwordFile, not both' });
      }
    }
    if (config.store.kind === 'imap' && config.store.password === undefined && config.store.passwordFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['store', 'password'], message: 'missing: set EMAIL_IMAP_PASSWORD or store.passwordFile' });
    }
  });
export type EmailConfig = z.output<typeof EmailConfigSchema>;
export type EmailConfigInput = z.input<typeof EmailConfigSchema>;

/** The password of a store or transport section, read from its secret file when it names one. */
export function passwordOf(section: { password?: string; passwordFile?: string }): string | undefined {
  if (section.passwordFile !== undefined) return readFileSync(section.passwordFile, 'utf8').replace(/\r?\n$/, '');
  return section.password;
}

/**
 * Configuration from the environment. IMAP: EMAIL_IMAP_HOST, EMAIL_IMAP_PORT, EMAIL_IMAP_SECURE,
 * EMAIL_IMAP_USER, EMAIL_IMAP_PASSWORD (or EMAIL_IMAP_PASSWORD_FILE); or a Maildir:
 * EMAIL_MAILDIR_PATH. SMTP: EMAIL_SMTP_HOST, EMAIL_SMTP_PORT, EMAIL_SMTP_SECURE, EMAIL_SMTP_USER,
 * EMAIL_SMTP_PASSWORD (or EMAIL_SMTP_PASSWORD_FILE). EMAIL_FROM, EMAIL_ALLOWED_RECIPIENTS
 * (comma-separated), EMAIL_IDEMPOTENCY_REDIS_URL (else REDIS_URL). EMAIL_WRITE_MODE and the
 * other tool settings are read by the kit.
 */
export function emailConfigFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const port = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : value || undefined);
  const secret = (prefix: string) => ({
    ...(env[`${prefix}_PASSWORD`] && { password: env[`${prefix}_PASSWORD`] }),
    ...(env[`${prefix}_PASSWORD_FILE`] && { passwordFile: env[`${prefix}_PASSWORD_FILE`] }),
  });
  // Each variable sets its own key, so a secret from the environment completes a store or
  // transport the file describes; a host also picks the kind.
  const imap = withoutUndefined({
    ...(env.EMAIL_IMAP_HOST && { kind: 'imap' }),
    host: env.EMAIL_IMAP_HOST || undefined,
    port: port(env.EMAIL_IMAP_PORT),
    secure: booleanFromEnv(env.EMAIL_IMAP_SECURE),
    user: env.EMAIL_IMAP_USER || undefined,
    ...secret('EMAIL_IMAP'),
  });
  if (Object.keys(imap).length > 0) config.store = imap;
  else if (env.EMAIL_MAILDIR_PATH) config.store = { kind: 'maildir', path: env.EMAIL_MAILDIR_PATH };
  const smtp = withoutUndefined({
    ...(env.EMAIL_SMTP_HOST && { kind: 'smtp' }),
    host: env.EMAIL_SMTP_HOST || undefined,
    port: port(env.EMAIL_SMTP_PORT),
    secure: booleanFromEnv(env.EMAIL_SMTP_SECURE),
    user: env.EMAIL_SMTP_USER || undefined,
    ...secret('EMAIL_SMTP'),
  });
  if (Object.keys(smtp).length > 0) config.transport = smtp;
  if (env.EMAIL_FROM) config.from = env.EMAIL_FROM;
  if (env.EMAIL_ALLOWED_RECIPIENTS) config.allowedRecipients = env.EMAIL_ALLOWED_RECIPIENTS.split(',').map((e) => e.trim()).filter(Boolean);
  const redisUrl = env.EMAIL_IDEMPOTENCY_REDIS_URL || env.REDIS_URL;
  if (redisUrl) config.idempotency = { redisUrl };
  return config;
}

/**
 * The embedded mode's defaults: a Maildir under `dataDir` with a dozen demo support emails,
 * sending to the local outbox, replies allowed to the demo customers' domains, write tools on.
 */
export function emailEmbeddedConfig(dataDir: string): Record<string, unknown> {
  return {
    store: { kind: 'maildir', path: join(dataDir, 'email', 'Maildir'), seedDemoData: true },
    transport: { kind: 'outbox' },
    from: 'support@demo-shop.example',
    fromName: 'Demo Shop Support',
    allowedRecipients: ['example.com', 'example.org'],
    writeMode: true,
  };
}

function withoutUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
