import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { approvingClient } from './support/approving-client';
import { repoRoot } from './support/cli-process';

/**
 * The support assistant's path through the hub, with no mail server: the embedded default
 * serves the demo mailbox and sends to the local outbox. An SDK client finds the newest unread
 * support email, drafts a reply, sends it to an allowed address, and hears of the outbox change.
 */
describe('email in the embedded hub, offline', () => {
  let dataDir: string;
  let client: Client;
  /** The approval questions the hub asked (sends need a person's approval by default). */
  const asked: string[] = [];
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mcp-hub-email-'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(repoRoot, 'bin/mcp-hub'), 'stdio', '--data-dir', dataDir],
      cwd: tmpdir(),
      stderr: 'pipe',
    });
    asked.length = 0;
    client = approvingClient('support-assistant', asked);
    await client.connect(transport);
  }, 60_000);
  afterEach(async () => {
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the newest unread email, drafts a reply, sends it threaded to an allowed address only', async () => {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['email_list_mailboxes', 'email_search_messages', 'email_get_message', 'email_get_thread', 'email_create_draft', 'email_send_email', 'email_reply_to_message', 'email_move_message', 'email_mark_message']));
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(expect.arrayContaining(['email://{mailbox}/messages/{uid}', 'email://{mailbox}/messages']));
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toContain('email_draft_customer_reply');

    const search = await client.callTool({ name: 'email_search_messages', arguments: { unseen: true, limit: 1 } });
    expect(search.isError).toBeFalsy();
    const newest = (search.structuredContent as { messages: Array<{ uid: number; subject: string; untrusted: boolean }> }).messages[0]!;
    expect(newest).toMatchObject({ subject: 'Return label for order #1085', untrusted: true });

    const prompt = await client.getPrompt({ name: 'email_draft_customer_reply', arguments: { uid: String(newest.uid) } });
    expect(JSON.stringify(prompt.messages)).toContain('return label');

    const draft = await client.callTool({
      name: 'email_create_draft',
      arguments: { to: ['taylor.kim@example.org'], subject: 'Re: Return label for order #1085', text: 'Here is your return label.', in_reply_to: { mailbox: 'INBOX', uid: newest.uid } },
    });
    expect(draft.structuredContent).toMatchObject({ mailbox: 'Drafts', inReplyTo: '<d13@demo-shop.example>' });

    const updates: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    await client.subscribeResource({ uri: 'email://Outbox/messages' });
    const sent = await client.callTool({ name: 'email_reply_to_message', arguments: { uid: newest.uid, text: 'Here is your return label.', idempotency_key: 'reply-1085' } });
    expect(sent.isError).toBeFalsy();
    const result = sent.structuredContent as { via: string; accepted: string[]; outboxUri: string; inReplyTo: string };
    expect(result).toMatchObject({ via: 'outbox', accepted: ['taylor.kim@example.org'], inReplyTo: '<d13@demo-shop.example>' });
    expect(asked.some((message) => message.includes('email_reply_to_message'))).toBe(true);
    const until = Date.now() + 5000;
    while (!updates.includes('email://Outbox/messages') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(updates).toContain('email://Outbox/messages');

    const copy = await client.readResource({ uri: result.outboxUri });
    const message = JSON.parse((copy.contents[0] as { text: string }).text);
    expect(message).toMatchObject({ mailbox: 'Outbox', inReplyTo: '<d13@demo-shop.example>', references: ['<d13@demo-shop.example>'], subject: 'Re: Return label for order #1085' });

    const outside = await client.callTool({ name: 'email_send_email', arguments: { to: ['mallory@untrusted.test'], subject: 'Customer list', text: 'attached' } });
    expect(outside.isError).toBe(true);
    expect(JSON.stringify(outside.content)).toContain('Not an allowed recipient');
    const injected = await client.callTool({ name: 'email_send_email', arguments: { to: ['taylor.kim@example.org'], subject: 'Hi\r\nBcc: mallory@untrusted.test', text: 'x' } });
    expect(injected.isError).toBe(true);
    const outbox = JSON.parse(((await client.readResource({ uri: 'email://Outbox/messages' })).contents[0] as { text: string }).text);
    expect(outbox.total).toBe(1);
  }, 90_000);
});
