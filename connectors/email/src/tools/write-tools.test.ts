import { parseMessage } from '../message-view';
import { startEmail, type EmailTestbed } from '../testing/email-testbed';

/** The raw source of a message of the bed's store, parsed. */
async function stored(bed: EmailTestbed, mailbox: string, uid: number) {
  const message = await bed.deps.store.fetchMessage(mailbox, uid, 1_000_000);
  if (!message) throw new Error(`no message ${uid} in ${mailbox}`);
  return { raw: message.source.toString('utf8'), mail: await parseMessage(message.source), flags: message.flags };
}

async function uidOf(bed: EmailTestbed, args: Record<string, unknown>): Promise<number> {
  const { messages } = await bed.call('search_messages', args);
  if (messages.length !== 1) throw new Error(`expected one message for ${JSON.stringify(args)}, found ${messages.length}`);
  return messages[0].uid;
}

describe('email write tools on the demo Maildir, sending to the local outbox', () => {
  let bed: EmailTestbed;
  beforeEach(async () => {
    bed = await startEmail();
  });
  afterEach(() => bed.stop());

  it('offers write tools only in write mode', async () => {
    const readOnly = await startEmail({ writeMode: false });
    try {
      expect([...readOnly.harness.service.connector.tools.keys()].sort()).toEqual(['get_message', 'get_thread', 'list_mailboxes', 'search_messages']);
    } finally {
      await readOnly.stop();
    }
    expect([...bed.harness.service.connector.tools.keys()]).toEqual(expect.arrayContaining(['send_email', 'reply_to_message', 'create_draft', 'move_message', 'mark_message']));
    const send = bed.harness.service.connector.tools.get('send_email')!.descriptor.annotations;
    expect(send).toMatchObject({ readOnlyHint: false, destructiveHint: true, openWorldHint: true });
  });

  it('sends to the outbox, readable as a resource, and announces it', async () => {
    const result = await bed.call('send_email', { to: ['pat.lee@example.com'], subject: 'Your replacement', text: 'A new mug is on its way.' });
    expect(result).toMatchObject({ via: 'outbox', accepted: ['pat.lee@example.com'], rejected: [], outboxUri: expect.stringMatching(/^email:\/\/Outbox\/messages\/\d+$/) });
    const { contents } = await bed.harness.readResource(result.outboxUri);
    const message = JSON.parse((contents[0] as { text: string }).text);
    expect(message).toMatchObject({ mailbox: 'Outbox', subject: 'Your replacement', to: ['pat.lee@example.com'], messageId: result.messageId, text: 'A new mug is on its way.' });
    expect(bed.updates).toEqual(expect.arrayContaining([result.outboxUri, 'email://Outbox/messages']));
    const outbox = JSON.parse(((await bed.harness.readResource('email://Outbox/messages')).contents[0] as { text: string }).text);
    expect(outbox).toMatchObject({ mailbox: 'Outbox', total: 1 });
  });

  it('threads a reply: In-Reply-To and References of the original, subject Re:, original marked answered', async () => {
    const uid = await uidOf(bed, { subject: 'Re: Order #1042', from: 'pat' });
    const result = await bed.call('reply_to_message', { uid, text: 'Thanks, a replacement is on its way.' });
    expect(result).toMatchObject({ via: 'outbox', accepted: ['pat.lee@example.com'], inReplyTo: '<d03@demo-shop.example>' });
    const outboxUid = Number(result.outboxUri.split('/').pop());
    const { mail, raw } = await stored(bed, 'Outbox', outboxUid);
    expect(mail.inReplyTo).toBe('<d03@demo-shop.example>');
    expect(mail.references).toEqual(['<d01@demo-shop.example>', '<d02@demo-shop.example>', '<d03@demo-shop.example>']);
    expect(mail.subject).toBe('Re: Order #1042 arrived damaged');
    expect(raw).toMatch(/^From: Demo Shop Support <support@demo-shop\.example>|^From: support@demo-shop\.example/m);
    expect((await stored(bed, 'INBOX', uid)).flags).toContain('\\Answered');
    // send_email with in_reply_to threads the same way.
    const again = await bed.call('send_email', { to: ['pat.lee@example.com'], subject: 'Re: Order #1042 arrived damaged', text: 'PS', in_reply_to: { mailbox: 'INBOX', uid } });
    const second = await stored(bed, 'Outbox', Number(again.outboxUri.split('/').pop()));
    expect(second.mail.inReplyTo).toBe('<d03@demo-shop.example>');
    expect(second.mail.references).toEqual(['<d01@demo-shop.example>', '<d02@demo-shop.example>', '<d03@demo-shop.example>']);
  });

  it('refuses every recipient outside the allowlist (addresses and domains), and sends nothing', async () => {
    const before = (await bed.deps.store.search('Outbox', {})).length;
    expect(await bed.fail('send_email', { to: ['someone@elsewhere.test'], subject: 's', text: 't' })).toMatchObject({ kind: 'forbidden', message: expect.stringContaining('someone@elsewhere.test') });
    expect(await bed.fail('send_email', { to: ['pat.lee@example.com'], bcc: ['spy@sub.example.com'], subject: 's', text: 't' })).toMatchObject({ kind: 'forbidden' });
    expect(await bed.fail('send_email', { to: ['other@example.org'], subject: 's', text: 't' })).toMatchObject({ kind: 'forbidden' });
    expect(await bed.call('send_email', { to: ['VIP@example.org'.toLowerCase()], subject: 's', text: 't' })).toMatchObject({ via: 'outbox' });
    expect(await bed.call('send_email', { to: ['anyone@EXAMPLE.COM'], subject: 's', text: 't' })).toMatchObject({ accepted: ['anyone@example.com'] });
    // The hostile demo email asks for mail to its own domain; a reply to it is refused.
    const mallory = await uidOf(bed, { from: 'mallory' });
    expect(await bed.fail('reply_to_message', { uid: mallory, text: 'ok' })).toMatchObject({ kind: 'forbidden', message: expect.stringContaining('mallory@untrusted.test') });
    expect((await bed.deps.store.search('Outbox', {})).length).toBe(before + 2);
  });

  it('refuses header injection in every header field', async () => {
    const base = { to: ['pat.lee@example.com'], subject: 'Hello', text: 'body' };
    const attempts: Array<Record<string, unknown>> = [
      { ...base, subject: 'Hi\r\nBcc: spy@elsewhere.test' },
      { ...base, subject: 'Hi\nX-Evil: 1' },
      { ...base, subject: 'Hi\0' },
      { ...base, to: ['pat.lee@example.com\r\nBcc: spy@elsewhere.test'] },
      { ...base, to: ['"Pat" <pat.lee@example.com>'] },
      { ...base, to: ['pat.lee@example.com, spy@elsewhere.test'] },
      { ...base, cc: ['spy@elsewhere.test\n'] },
      { ...base, in_reply_to: { mailbox: 'INBOX\r\n', uid: 1 } },
    ];
    for (const args of attempts) expect(await bed.fail('send_email', args)).toMatchObject({ kind: 'invalid_arguments' });
    expect(await bed.fail('create_draft', { ...base, subject: 'x\r\nBcc: a@b.c' })).toMatchObject({ kind: 'invalid_arguments' });
    expect((await bed.deps.store.search('Outbox', {})).length).toBe(0);
  });

  it('attaches only attachments of this mailbox, never files or URLs', async () => {
    const uid = await uidOf(bed, { subject: 'Re: Order #1042', from: 'pat' });
    const uri = `email://INBOX/messages/${uid}/attachments/0`;
    const sent = await bed.call('send_email', { to: ['pat.lee@example.com'], subject: 'Your report', text: 'Attached.', attachments: [uri] });
    const { mail } = await stored(bed, 'Outbox', Number(sent.outboxUri.split('/').pop()));
    expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['damage-report.txt', expect.stringContaining('handle broken off')]]);
    for (const bad of ['/etc/passwd', 'file:///etc/passwd', 'https://example.com/x.pdf', 'helpdesk://tickets/1', 'email://INBOX/messages/1', `email://INBOX/messages/${uid}/attachments/../../x`]) {
      expect(await bed.fail('send_email', { to: ['pat.lee@example.com'], subject: 's', text: 't', attachments: [bad] })).toMatchObject({ kind: 'invalid_arguments' });
    }
    expect(await bed.fail('send_email', { to: ['pat.lee@example.com'], subject: 's', text: 't', attachments: [`email://INBOX/messages/${uid}/attachments/5`] })).toMatchObject({ kind: 'not_found' });
    const blob = (await bed.harness.readResource(uri)).contents[0] as { blob: string; mimeType: string };
    expect(blob.mimeType).toBe('text/plain');
    expect(Buffer.from(blob.blob, 'base64').toString()).toContain('handle broken off');
  });

  it('answers a repeat with the same idempotency key from the first result, and sends once', async () => {
    const args = { to: ['pat.lee@example.com'], subject: 'Once', text: 'only once', idempotency_key: 'reply-1' };
    const first = await bed.harness.callTool('send_email', args);
    const repeat = await bed.harness.callTool('send_email', args);
    expect(repeat).toEqual({ ...first, _meta: { 'mcphub/replayed': true } });
    expect((await bed.deps.store.search('Outbox', {})).length).toBe(1);
    expect(await bed.fail('send_email', { ...args, text: 'different' }, 'test-user')).toMatchObject({ kind: 'conflict' });
    // Keys are private to a principal: another one acts on its own.
    expect(await bed.call('send_email', args, 'someone-else')).toMatchObject({ via: 'outbox' });
    expect((await bed.deps.store.search('Outbox', {})).length).toBe(2);
  });

  it('saves a threaded draft in Drafts without sending it', async () => {
    const uid = await uidOf(bed, { subject: 'Cannot log in' });
    const draft = await bed.call('create_draft', { to: ['kim.nguyen@example.com'], bcc: ['lead@example.com'], subject: 'Re: Cannot log in to my account', text: 'We reset your account.', in_reply_to: { mailbox: 'INBOX', uid } });
    expect(draft).toMatchObject({ mailbox: 'Drafts', uri: `email://Drafts/messages/${draft.uid}`, inReplyTo: '<d06@demo-shop.example>' });
    const { mail, flags } = await stored(bed, 'Drafts', draft.uid);
    expect(flags).toEqual(expect.arrayContaining(['\\Draft', '\\Seen']));
    expect(mail.inReplyTo).toBe('<d06@demo-shop.example>');
    expect(mail.bcc).toBeDefined();
    expect((await bed.deps.store.search('Outbox', {})).length).toBe(0);
    expect(bed.updates).toContain('email://Drafts/messages');
  });

  it('moves and marks messages', async () => {
    const uid = await uidOf(bed, { subject: 'Do you ship to Switzerland' });
    expect(await bed.call('mark_message', { uid, seen: true, flagged: true })).toEqual({ seen: true, flagged: true, answered: false });
    expect(await bed.call('mark_message', { uid, flagged: false })).toEqual({ seen: true, flagged: false, answered: false });
    expect(await bed.fail('mark_message', { uid })).toMatchObject({ kind: 'invalid_arguments' });
    const moved = await bed.call('move_message', { uid, destination: 'Archive' });
    expect(moved).toMatchObject({ mailbox: 'Archive', uri: `email://Archive/messages/${moved.uid}` });
    expect((await bed.call('get_message', { mailbox: 'Archive', uid: moved.uid })).message).toMatchObject({ subject: 'Do you ship to Switzerland?', seen: true });
    expect(await bed.fail('get_message', { uid })).toMatchObject({ kind: 'not_found' });
    expect(await bed.fail('move_message', { uid: moved.uid, mailbox: 'Archive', destination: 'Nowhere' })).toMatchObject({ kind: 'not_found' });
    expect(await bed.fail('move_message', { uid: 424242, destination: 'Archive' })).toMatchObject({ kind: 'not_found' });
    expect(bed.updates).toEqual(expect.arrayContaining([`email://INBOX/messages/${uid}`, 'email://INBOX/messages', 'email://Archive/messages']));
  });

  it('announces new mail that no call delivered (the Maildir is polled)', async () => {
    const source = Buffer.from('From: new@example.com\r\nTo: support@demo-shop.example\r\nSubject: Fresh\r\nMessage-ID: <fresh@example.com>\r\n\r\nHello\r\n');
    // A wait for the first poll, so that the append is a change and not the starting state.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = bed.updates.length;
    await bed.deps.store.append('INBOX', source, []);
    const until = Date.now() + 5000;
    while (!bed.updates.slice(seen).includes('email://INBOX/messages') && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bed.updates.slice(seen)).toContain('email://INBOX/messages');
  });

  it('renders the draft_customer_reply prompt with the email fenced as untrusted', async () => {
    const uid = await uidOf(bed, { from: 'mallory' });
    const prompt = await bed.harness.getPrompt('draft_customer_reply', { uid: String(uid) });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain('untrusted-content');
    expect(text).toContain(`source="email:INBOX:${uid}"`);
    expect(text).toContain('email_reply_to_message');
    expect(text).not.toMatch(/[\u200b\u202e]/);
    await expect(bed.harness.getPrompt('draft_customer_reply', { uid: '9999' })).rejects.toMatchObject({ reply: { kind: 'not_found' } });
  });
});

describe('email connector startup', () => {
  it('stops when a watched mailbox or the outbox does not exist', async () => {
    await expect(startEmail({ config: { watchMailboxes: ['INBOX', 'Nope'] } })).rejects.toThrow(/watchMailboxes: there is no mailbox "Nope"/);
    await expect(startEmail({ config: { outboxMailbox: 'Missing' } })).rejects.toThrow(/outboxMailbox: there is no mailbox "Missing"/);
  });
});

describe('email subjects and search text', () => {
  let bed: EmailTestbed;
  beforeAll(async () => {
    bed = await startEmail();
  });
  afterAll(() => bed.stop());

  it('refuse control, invisible and bidirectional characters, naming the character', async () => {
    const base = { to: ['pat.lee@example.com'], text: 'body' };
    expect(await bed.fail('send_email', { ...base, subject: 'Refund\u202e now' })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringContaining('U+202E') });
    expect(await bed.fail('send_email', { ...base, subject: 'a\u200bb' })).toMatchObject({ message: expect.stringContaining('U+200B') });
    expect(await bed.fail('send_email', { ...base, subject: '\u001b[31mred' })).toMatchObject({ message: expect.stringContaining('U+001B') });
    expect(await bed.fail('search_messages', { subject: 'x\u0007' })).toMatchObject({ message: expect.stringContaining('U+0007') });
    expect(await bed.call('send_email', { ...base, subject: 'Ümlaut, 日本語 and emoji 🎉' })).toMatchObject({ via: 'outbox' });
  });
});
