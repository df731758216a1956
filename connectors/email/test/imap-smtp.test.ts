import { ImapFlow } from 'imapflow';
import pino from 'pino';
import { simpleParser } from 'mailparser';
import { EmailConfigSchema } from '../src/config';
import { seedDemoMailbox } from '../src/demo-mailbox';
import { createEmailConnector } from '../src/create-email-connector';
import { startEmail, type EmailTestbed } from '../src/testing/email-testbed';
import { startDovecot, type DovecotServer } from './dovecot-server';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture';

/**
 * The connector against real servers: Debian's Dovecot for IMAP and `smtp-server` for SMTP,
 * each started on a free loopback port with a test user of its own.
 */
describe('email connector on Dovecot (IMAP) and smtp-server (SMTP)', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpCapture;
  let bed: EmailTestbed;

  const imapConfig = () => ({ kind: 'imap' as const, host: '127.0.0.1', port: dovecot.port, secure: false, user: dovecot.user, password: dovecot.password });
  const smtpConfig = () => ({ kind: 'smtp' as const, host: '127.0.0.1', port: smtp.port, secure: false, requireTls: false, user: smtp.user, password: smtp.password });

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpCapture();
    bed = await startEmail({ config: { store: imapConfig(), transport: smtpConfig(), sentMailbox: 'Sent' } });
    expect(await seedDemoMailbox(bed.deps.store)).toBe(true);
  }, 30_000);
  afterAll(async () => {
    await bed?.stop();
    await smtp?.stop();
    await dovecot?.stop();
  });
  beforeEach(() => {
    smtp.messages.length = 0;
  });

  const uidOf = async (args: Record<string, unknown>) => {
    const { messages } = await bed.call('search_messages', args);
    if (messages.length !== 1) throw new Error(`expected one message for ${JSON.stringify(args)}, found ${messages.length}`);
    return messages[0].uid as number;
  };

  it('lists the mailboxes Dovecot serves, with counts and special use', async () => {
    const { mailboxes } = await bed.call('list_mailboxes', {});
    const byName = Object.fromEntries(mailboxes.map((m: { name: string }) => [m.name, m]));
    expect(byName.INBOX).toMatchObject({ messages: 12, unseen: 9 });
    expect(byName.Sent).toMatchObject({ messages: 1, specialUse: '\\Sent' });
    expect(byName.Drafts).toMatchObject({ specialUse: '\\Drafts' });
  });

  it('searches with the server: criteria, newest first, cursor paging', async () => {
    const count = async (args: Record<string, unknown>) => (await bed.call('search_messages', args)).total;
    expect(await count({})).toBe(12);
    expect(await count({ from: 'pat.lee@example.com' })).toBe(2);
    expect(await count({ subject: 'order #1042' })).toBe(2);
    expect(await count({ text: 'WINTER10' })).toBe(1);
    expect(await count({ unseen: true })).toBe(9);
    expect(await count({ to: 'support@demo-shop.example' })).toBe(12);
    const weekAgo = new Date(Date.now() - 7.5 * 86_400_000).toISOString().slice(0, 10);
    const recent = await count({ since: weekAgo });
    expect(recent).toBeGreaterThanOrEqual(7);
    expect(recent + (await count({ before: weekAgo }))).toBe(12);
    const page = await bed.call('search_messages', { limit: 10 });
    expect(page.messages[0]).toMatchObject({ subject: 'Return label for order #1085', untrusted: true });
    const rest = await bed.call('search_messages', { limit: 10, cursor: page.nextCursor });
    expect(rest).toMatchObject({ truncated: false, nextCursor: null });
    expect(rest.messages).toHaveLength(2);
  });

  it('reads a message, an HTML-only body and a hostile one through the same parser as the Maildir', async () => {
    const uid = await uidOf({ subject: 'Re: Order #1042', from: 'pat' });
    const { message } = await bed.call('get_message', { uid });
    expect(message).toMatchObject({ messageId: '<d03@demo-shop.example>', references: ['<d01@demo-shop.example>', '<d02@demo-shop.example>'], seen: true });
    expect(message.attachments).toEqual([expect.objectContaining({ filename: 'damage-report.txt', uri: `email://INBOX/messages/${uid}/attachments/0` })]);
    const html = (await bed.call('get_message', { uid: await uidOf({ subject: 'weekly digest' }) })).message;
    expect(html.text).toMatch(/Five tips for/i);
    expect(html.text).not.toMatch(/<|tracker\.shop-tools/);
    expect(html.seen).toBe(false); // BODY.PEEK: reading does not mark it seen
    const hostile = (await bed.call('get_message', { uid: await uidOf({ from: 'mallory' }) })).message;
    expect(hostile.text).not.toMatch(/[\u200b\u202e]/);
    expect(hostile.text).not.toContain('![');
  });

  it('collects a thread across INBOX and Sent', async () => {
    const uid = await uidOf({ subject: 'Re: Order #1042', from: 'pat' });
    const { messages } = await bed.call('get_thread', { uid });
    expect(messages.map((m: { mailbox: string; messageId: string }) => `${m.mailbox}:${m.messageId}`)).toEqual([
      'INBOX:<d01@demo-shop.example>',
      'Sent:<d02@demo-shop.example>',
      'INBOX:<d03@demo-shop.example>',
    ]);
  });

  it('replies over SMTP: envelope to the sender only, threading headers, a copy in Sent, original answered', async () => {
    const uid = await uidOf({ subject: 'Cannot log in' });
    const sentBefore = (await bed.deps.store.search('Sent', {})).length;
    const result = await bed.call('reply_to_message', { uid, text: 'We reset your password; try again.', cc: ['lead@example.com'] });
    expect(result).toMatchObject({ via: 'smtp', accepted: ['kim.nguyen@example.com', 'lead@example.com'], rejected: [], inReplyTo: '<d06@demo-shop.example>' });
    expect(smtp.messages).toHaveLength(1);
    const [captured] = smtp.messages;
    expect(captured).toMatchObject({ mailFrom: 'support@demo-shop.example', rcptTo: ['kim.nguyen@example.com', 'lead@example.com'], user: smtp.user });
    const mail = await simpleParser(captured!.data);
    expect(mail.inReplyTo).toBe('<d06@demo-shop.example>');
    expect(mail.references).toBe('<d06@demo-shop.example>');
    expect(mail.subject).toBe('Re: Cannot log in to my account');
    expect(mail.messageId).toBe(result.messageId);
    expect((await bed.deps.store.search('Sent', {})).length).toBe(sentBefore + 1);
    // The copy in Sent is the message sent (same Message-ID), so the thread finds it.
    expect(await bed.deps.store.search('Sent', { header: { name: 'Message-ID', value: result.messageId } })).toHaveLength(1);
    const thread = await bed.call('get_thread', { uid });
    expect(thread.messages.map((m: { mailbox: string; messageId: string }) => `${m.mailbox}:${m.messageId}`)).toEqual(['INBOX:<d06@demo-shop.example>', `Sent:${result.messageId}`]);
    expect((await bed.call('get_message', { uid })).message.answered).toBe(true);
  });

  it('sends with Bcc only in the envelope, never in the message', async () => {
    const result = await bed.call('send_email', { to: ['pat.lee@example.com'], bcc: ['archive@example.com'], subject: 'Hello', text: 'Body', html: '<p>Body</p>' });
    expect(result.accepted).toEqual(['pat.lee@example.com', 'archive@example.com']);
    const [captured] = smtp.messages;
    expect(captured!.rcptTo).toEqual(['pat.lee@example.com', 'archive@example.com']);
    expect(captured!.data).not.toMatch(/^bcc:/im);
    expect(captured!.data).not.toContain('archive@example.com');
    const mail = await simpleParser(captured!.data);
    expect(mail.text?.trim()).toBe('Body');
    expect(mail.html).toContain('<p>Body</p>');
  });

  it('sends nothing to a recipient outside the allowlist, nor with a header injection attempt', async () => {
    expect(await bed.fail('send_email', { to: ['pat.lee@example.com'], cc: ['x@elsewhere.test'], subject: 's', text: 't' })).toMatchObject({ kind: 'forbidden' });
    expect(await bed.fail('send_email', { to: ['pat.lee@example.com'], subject: 'a\r\nBcc: x@elsewhere.test', text: 't' })).toMatchObject({ kind: 'invalid_arguments' });
    expect(await bed.fail('reply_to_message', { uid: await uidOf({ from: 'mallory' }), text: 'ok' })).toMatchObject({ kind: 'forbidden' });
    expect(smtp.messages).toHaveLength(0);
  });

  it('saves drafts on the server, moves and marks messages there', async () => {
    const uid = await uidOf({ subject: 'Cancel order #1077' });
    const draft = await bed.call('create_draft', { to: ['riley.chen@example.org'], subject: 'Re: Cancel order #1077', text: 'Cancelled.', in_reply_to: { mailbox: 'INBOX', uid } });
    expect(draft).toMatchObject({ mailbox: 'Drafts', uid: expect.any(Number), inReplyTo: '<d10@demo-shop.example>' });
    const stored = await bed.call('get_message', { mailbox: 'Drafts', uid: draft.uid });
    expect(stored.message).toMatchObject({ inReplyTo: '<d10@demo-shop.example>', subject: 'Re: Cancel order #1077', seen: true });
    expect(smtp.messages).toHaveLength(0);
    expect(await bed.call('mark_message', { uid, flagged: true, seen: true })).toEqual({ seen: true, flagged: true, answered: false });
    const moved = await bed.call('move_message', { uid, destination: 'Archive' });
    expect(moved).toMatchObject({ mailbox: 'Archive', uid: expect.any(Number) });
    expect((await bed.call('get_message', { mailbox: 'Archive', uid: moved.uid })).message).toMatchObject({ subject: 'Cancel order #1077', flagged: true });
    expect(await bed.fail('get_message', { uid })).toMatchObject({ kind: 'not_found' });
    expect(await bed.fail('search_messages', { mailbox: 'Nope' })).toMatchObject({ kind: 'not_found' });
  });

  it('hears of mail another client delivered, through IDLE', async () => {
    const other = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await other.connect();
    try {
      await new Promise((resolve) => setTimeout(resolve, 500)); // the watcher's IDLE is up
      const seen = bed.updates.length;
      await other.append('INBOX', 'From: new@example.com\r\nSubject: Fresh\r\nMessage-ID: <fresh@example.com>\r\n\r\nHi\r\n');
      const until = Date.now() + 8000;
      while (!bed.updates.slice(seen).includes('email://INBOX/messages') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(bed.updates.slice(seen)).toContain('email://INBOX/messages');
    } finally {
      await other.logout();
    }
  });

  it('stops startup on a wrong password, without the password in the error', async () => {
    const wrong = 'not-the-password-4711';
    const config = EmailConfigSchema.parse({ store: { ...imapConfig(), password: wrong }, from: 'support@demo-shop.example' });
    const error = await createEmailConnector(config, pino({ level: 'silent' })).then(() => undefined, (e: Error) => e);
    expect(error).toMatchObject({ kind: 'unauthorized' });
    expect(String(error?.message)).not.toContain(wrong);
    const badSmtp = EmailConfigSchema.parse({ store: imapConfig(), transport: { ...smtpConfig(), password: wrong }, from: 'support@demo-shop.example' });
    const refusedBefore = smtp.refusedLogins;
    const smtpError = await createEmailConnector(badSmtp, pino({ level: 'silent' })).then(() => undefined, (e: Error) => e);
    expect(smtpError).toBeInstanceOf(Error);
    expect(String(smtpError?.message)).not.toContain(wrong);
    expect(smtp.refusedLogins).toBe(refusedBefore + 1);
  });

  it('keeps the passwords out of every log line', () => {
    const logs = bed.logs.join('\n');
    expect(logs).not.toContain(dovecot.password);
    expect(logs).not.toContain(smtp.password);
    expect(logs).toContain('email connector ready');
  });
});
