import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deepMerge } from '@mcp-hub/connector-kit';
import { EmailConfigSchema, emailConfigFromEnv, emailEmbeddedConfig, passwordOf } from './config';

const parse = (input: unknown) => EmailConfigSchema.safeParse(input);
const issue = (input: unknown) => {
  const result = parse(input);
  return result.success ? undefined : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('email configuration', () => {
  it('reads IMAP, SMTP, sender, allowlist and Redis from the environment', () => {
    const config = emailConfigFromEnv({
      EMAIL_IMAP_HOST: 'imap.example.com',
      EMAIL_IMAP_PORT: '143',
      EMAIL_IMAP_SECURE: 'false',
      EMAIL_IMAP_USER: 'u',
      EMAIL_IMAP_PASSWORD: 'secret',
      EMAIL_SMTP_HOST: 'smtp.example.com',
      EMAIL_SMTP_PASSWORD_FILE: '/run/secrets/smtp',
      EMAIL_FROM: 'support@example.com',
      EMAIL_ALLOWED_RECIPIENTS: 'example.com, pat@example.org ,',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config).toEqual({
      store: { kind: 'imap', host: 'imap.example.com', port: 143, secure: false, user: 'u', password: 'secret' },
      transport: { kind: 'smtp', host: 'smtp.example.com', passwordFile: '/run/secrets/smtp' },
      from: 'support@example.com',
      allowedRecipients: ['example.com', 'pat@example.org'],
      idempotency: { redisUrl: 'redis://127.0.0.1:6379' },
    });
    expect(parse(config).success).toBe(true);
  });

  it('switches the embedded Maildir and outbox to IMAP and SMTP from the environment, dropping the other kind\'s keys', () => {
    const { writeMode: _w, ...embedded } = emailEmbeddedConfig('/data');
    const merged = deepMerge(embedded, emailConfigFromEnv({ EMAIL_IMAP_HOST: 'imap.example.com', EMAIL_IMAP_USER: 'u', EMAIL_IMAP_PASSWORD: 'p', EMAIL_SMTP_HOST: 'smtp.example.com' }));
    const result = parse(merged);
    expect(result.success && result.data.store).toMatchObject({ kind: 'imap', host: 'imap.example.com', port: 993, secure: true });
    expect(result.success && result.data.transport).toMatchObject({ kind: 'smtp', port: 587, requireTls: true });
  });

  it('names what is missing or wrong', () => {
    expect(issue({ from: 'a@example.com' })).toMatch(/^store: missing: set EMAIL_IMAP_HOST/);
    expect(issue({ store: { kind: 'maildir', path: '/m' } })).toBe('from: missing: set EMAIL_FROM or connectors.email.from in the --config file');
    expect(issue({ store: { kind: 'imap', host: 'h', user: 'u' }, from: 'a@example.com' })).toMatch(/store.password: missing: set EMAIL_IMAP_PASSWORD/);
    expect(issue({ store: { kind: 'maildir', path: '/m', host: 'x' }, from: 'a@example.com' })).toBeUndefined(); // an IMAP key under a Maildir is another kind's leftover
    expect(issue({ store: { kind: 'maildir', path: '/m', colour: 'x' }, from: 'a@example.com' })).toMatch(/store: Unrecognized key: "colour"/);
    expect(issue({ store: { kind: 'maildir', path: '/m' }, from: 'Pat <a@example.com>' })).toMatch(/^from: /);
    expect(issue({ store: { kind: 'maildir', path: '/m' }, from: 'a@example.com', fromName: 'x\r\nBcc: y' })).toMatch(/^fromName: must not contain line breaks/);
    expect(issue({ store: { kind: 'maildir', path: '/m' }, from: 'a@example.com', allowedRecipients: ['*.example.com'] })).toMatch(/^allowedRecipients.0/);
    expect(issue({ store: { kind: 'imap', host: 'h', user: 'u', password: 'p', passwordFile: '/f' }, from: 'a@example.com' })).toMatch(/give password or passwordFile, not both/);
  });

  it('reads a password from its secret file, without the trailing newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'email-config-'));
    try {
      writeFileSync(join(dir, 'pw'), 'hunter2\n');
      expect(passwordOf({ passwordFile: join(dir, 'pw') })).toBe('hunter2');
      expect(passwordOf({ password: 'direct' })).toBe('direct');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('email configuration layers', () => {
  it('lets a password from the environment complete a store and transport the file describes', () => {
    const file = { store: { kind: 'imap', host: 'imap.example.com', user: 'u' }, transport: { kind: 'smtp', host: 'smtp.example.com', user: 'u' }, from: 'a@example.com' };
    const merged = deepMerge(file, emailConfigFromEnv({ EMAIL_IMAP_PASSWORD: 'p1', EMAIL_SMTP_PASSWORD: 'p2' }));
    const result = EmailConfigSchema.parse(merged);
    expect(result.store).toMatchObject({ kind: 'imap', password: 'p1' });
    expect(result.transport).toMatchObject({ kind: 'smtp', password: 'p2' });
  });
});
