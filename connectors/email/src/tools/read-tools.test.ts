import { parseFences } from '@mcp-hub/connector-kit/testing';
import { startEmail, type EmailTestbed } from '../testing/email-testbed';

describe('email read tools on the demo Maildir (the embedded mode)', () => {
  let bed: EmailTestbed;
  beforeAll(async () => {
    bed = await startEmail();
  });
  afterAll(() => bed.stop());

  it('lists the mailboxes with counts: a dozen support emails in INBOX, one reply in Sent', async () => {
    const { mailboxes } = await bed.call('list_mailboxes', {});
    const byName = Object.fromEntries(mailboxes.map((m: { name: string }) => [m.name, m]));
    expect(byName.INBOX).toMatchObject({ messages: 12, unseen: 9 });
    expect(byName.Sent).toMatchObject({ messages: 1, specialUse: '\\Sent' });
    expect(byName.Drafts).toMatchObject({ messages: 0, specialUse: '\\Drafts' });
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['Outbox', 'Archive', 'Trash']));
  });

  it('searches newest first, pages with a cursor, and marks every hit untrusted', async () => {
    const first = await bed.call('search_messages', { limit: 5 });
    expect(first.total).toBe(12);
    expect(first.messages).toHaveLength(5);
    expect(first.truncated).toBe(true);
    const uids = first.messages.map((m: { uid: number }) => m.uid);
    expect(uids).toEqual([...uids].sort((a, b) => b - a));
    expect(first.messages[0]).toMatchObject({ subject: 'Return label for order #1085', untrusted: true, source: `email:INBOX:${uids[0]}`, seen: false });
    const second = await bed.call('search_messages', { limit: 5, cursor: first.nextCursor });
    expect(second.messages.map((m: { uid: number }) => m.uid).every((uid: number) => uid < Math.min(...uids))).toBe(true);
    const last = await bed.call('search_messages', { limit: 5, cursor: second.nextCursor });
    expect(last.messages).toHaveLength(2);
    expect(last).toMatchObject({ truncated: false, nextCursor: null });
  });

  it('filters by from, to, subject, text, unseen and received day', async () => {
    const count = async (args: Record<string, unknown>) => (await bed.call('search_messages', args)).total;
    expect(await count({ from: 'pat.lee@example.com' })).toBe(2);
    expect(await count({ from: 'PAT LEE' })).toBe(2);
    expect(await count({ subject: 'order #1042' })).toBe(2);
    expect(await count({ text: 'WINTER10' })).toBe(1);
    expect(await count({ text: 'hoodie' })).toBe(1); // in an HTML-only body
    expect(await count({ unseen: true })).toBe(9);
    expect(await count({ to: 'support@demo-shop.example' })).toBe(12);
    expect(await count({ from: 'pat', unseen: true })).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const weekAgo = new Date(Date.now() - 7.5 * 86_400_000).toISOString().slice(0, 10);
    expect(await count({ since: weekAgo })).toBeGreaterThanOrEqual(7);
    expect(await count({ since: weekAgo })).toBeLessThan(12);
    expect(await count({ before: weekAgo })).toBe(12 - (await count({ since: weekAgo })));
    expect(await count({ since: today, before: today })).toBe(0);
  });

  it('reads a message: headers, text, attachment links; reading does not mark it seen', async () => {
    const [hit] = (await bed.call('search_messages', { subject: 'Re: Order #1042', from: 'pat' })).messages;
    const result = await bed.harness.callTool('get_message', { uid: hit.uid });
    const { message } = result.structuredContent as Record<string, any>;
    expect(message).toMatchObject({
      mailbox: 'INBOX',
      uid: hit.uid,
      from: 'Pat Lee <pat.lee@example.com>',
      to: ['support@demo-shop.example'],
      messageId: '<d03@demo-shop.example>',
      inReplyTo: '<d02@demo-shop.example>',
      references: ['<d01@demo-shop.example>', '<d02@demo-shop.example>'],
      untrusted: true,
      textTruncated: false,
    });
    expect(message.text).toContain('Here is the photo list you asked for.');
    expect(message.attachments).toEqual([
      { index: 0, filename: 'damage-report.txt', contentType: 'text/plain', size: expect.any(Number), uri: `email://INBOX/messages/${hit.uid}/attachments/0`, tooLarge: false },
    ]);
    expect(result.content).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'resource_link', uri: `email://INBOX/messages/${hit.uid}/attachments/0` })]));
    const fences = parseFences((result.content[0] as { text: string }).text);
    expect(fences).toHaveLength(1);
    expect(fences[0]!.source).toBe(`email:INBOX:${hit.uid}`);
  });

  it('reduces an HTML-only body to text, without tags or remote images', async () => {
    const [hit] = (await bed.call('search_messages', { subject: 'weekly digest' })).messages;
    const { message } = await bed.call('get_message', { uid: hit.uid });
    expect(message.text).toMatch(/Five tips for/i);
    expect(message.text).not.toMatch(/<|>|tracker\.shop-tools|!\[/);
    expect((await bed.call('get_message', { uid: hit.uid })).message.seen).toBe(false);
  });

  it('strips invisible and bidirectional characters and defuses markdown images in a hostile email', async () => {
    const [hit] = (await bed.call('search_messages', { from: 'mallory' })).messages;
    const { message } = await bed.call('get_message', { uid: hit.uid });
    expect(message.text).not.toMatch(/[\u200b\u202e\u202c]/);
    expect(message.text).not.toContain('![');
    expect(message.text).toContain('[image: logo]');
    expect(message.untrusted).toBe(true);
  });

  it('collects a thread across INBOX and the mailbox of sent mail, oldest first', async () => {
    const [hit] = (await bed.call('search_messages', { subject: 'Re: Order #1042', from: 'pat' })).messages;
    const local = await bed.call('get_thread', { uid: hit.uid });
    // The embedded mode sends to the outbox; the demo's own reply lies in Sent, found when Sent is the sent mailbox.
    expect(local.messages.map((m: { messageId: string }) => m.messageId)).toEqual(['<d01@demo-shop.example>', '<d03@demo-shop.example>']);
    bed.deps.sentMailbox = 'Sent';
    try {
      const all = await bed.call('get_thread', { uid: hit.uid });
      expect(all.messages.map((m: { messageId: string; mailbox: string }) => `${m.mailbox}:${m.messageId}`)).toEqual([
        'INBOX:<d01@demo-shop.example>',
        'Sent:<d02@demo-shop.example>',
        'INBOX:<d03@demo-shop.example>',
      ]);
    } finally {
      delete bed.deps.sentMailbox;
    }
  });

  it('answers not_found for a missing message or mailbox, and refuses names that could be paths', async () => {
    expect(await bed.fail('get_message', { uid: 999 })).toMatchObject({ kind: 'not_found', message: expect.stringContaining('email_search_messages') });
    expect(await bed.fail('search_messages', { mailbox: 'Nope' })).toMatchObject({ kind: 'not_found', message: expect.stringContaining('email_list_mailboxes') });
    expect(await bed.fail('search_messages', { mailbox: '../../etc' })).toMatchObject({ kind: 'not_found' });
    expect(await bed.fail('search_messages', { mailbox: '.Drafts' })).toMatchObject({ kind: 'not_found' });
    expect(await bed.fail('search_messages', { mailbox: 'IN\r\nBOX' })).toMatchObject({ kind: 'invalid_arguments' });
    expect(await bed.fail('search_messages', { subject: 'a\r\nb' })).toMatchObject({ kind: 'invalid_arguments' });
    expect(await bed.fail('search_messages', { cursor: 'whatever' })).toMatchObject({ kind: 'invalid_arguments' });
    expect(await bed.fail('search_messages', { limit: 101 })).toMatchObject({ kind: 'invalid_arguments' });
  });
});
