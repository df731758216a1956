import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { seedDemoMailbox } from '../src/demo-mailbox';
import { ImapMailStore } from '../src/stores/imap-mail-store';
import { startDovecot, type DovecotServer } from './dovecot-server';
import { McpHubProcess } from './mcp-hub-process';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture';

/**
 * The scenario as operators deploy it: a hub process and `mcp-hub connector email` on a
 * NATS server of the test's own, the connector reading Dovecot over IMAP and sending through
 * smtp-server, driven by an MCP SDK client through the hub: find the newest unread support
 * email, draft a reply, send it to an allowed address.
 */
describe('distributed: hub + mcp-hub connector email, on Dovecot and smtp-server', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'email-dist-'));
  const processes: McpHubProcess[] = [];
  let dovecot: DovecotServer;
  let smtp: SmtpCapture;
  let nats: NatsServerProcess;
  let client: Client;

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpCapture();
    const seeder = new ImapMailStore({ host: '127.0.0.1', port: dovecot.port, secure: false, user: dovecot.user, password: dovecot.password }, pino({ level: 'silent' }));
    await seedDemoMailbox(seeder);
    await seeder.close();
    nats = await NatsServerProcess.start();
    const configFile = path.join(dir, 'hub.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        connectors: {
          email: {
            store: { kind: 'imap', host: '127.0.0.1', port: dovecot.port, secure: false, user: dovecot.user },
            transport: { kind: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, requireTls: false, user: smtp.user },
            sentMailbox: 'Sent',
          },
        },
      }),
    );
    const port = await freePort();
    const hub = McpHubProcess.start(['hub', '--port', String(port), '--nats', nats.url, '--config', configFile], {}, 'hub');
    processes.push(hub);
    const url = (await hub.waitForOutput(/MCP hub serving (http:\/\/\S+)/))[1]!;
    const connector = McpHubProcess.start(
      ['connector', 'email', '--nats', nats.url, '--config', configFile],
      {
        EMAIL_IMAP_PASSWORD: dovecot.password,
        EMAIL_SMTP_PASSWORD: smtp.password,
        EMAIL_FROM: 'support@demo-shop.example',
        EMAIL_ALLOWED_RECIPIENTS: 'example.com,example.org',
        EMAIL_WRITE_MODE: 'true',
      },
      'connector email',
    );
    processes.push(connector);
    await connector.waitForOutput(/connector replica started/);
    // A person behind the client approves every call the hub asks about: sends need an approval by default.
    client = new Client({ name: 'support-assistant', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { decision: 'approve' } }));
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const until = Date.now() + 10_000;
    while (!(await client.listTools()).tools.some((t) => t.name === 'email_reply_to_message')) {
      if (Date.now() > until) throw new Error('email tools never appeared');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    for (const p of processes) await p.stop();
    await nats?.stop();
    await smtp?.stop();
    await dovecot?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the newest unread email, drafts a reply, sends it threaded to the customer only', async () => {
    const search = await client.callTool({ name: 'email_search_messages', arguments: { unseen: true, limit: 1 } });
    const newest = (search.structuredContent as { total: number; messages: Array<{ uid: number; subject: string }> });
    expect(newest.total).toBe(9);
    expect(newest.messages[0]).toMatchObject({ subject: 'Return label for order #1085' });
    const uid = newest.messages[0]!.uid;

    const prompt = await client.getPrompt({ name: 'email_draft_customer_reply', arguments: { uid: String(uid) } });
    expect(JSON.stringify(prompt.messages)).toContain('untrusted-content');
    const draft = await client.callTool({ name: 'email_create_draft', arguments: { to: ['taylor.kim@example.org'], subject: 'Re: Return label for order #1085', text: 'Your label is attached.', in_reply_to: { mailbox: 'INBOX', uid } } });
    expect(draft.structuredContent).toMatchObject({ mailbox: 'Drafts', inReplyTo: '<d13@demo-shop.example>' });

    const sent = await client.callTool({ name: 'email_reply_to_message', arguments: { uid, text: 'Your label is attached.', idempotency_key: 'label-1085' } });
    expect(sent.isError).toBeFalsy();
    expect(sent.structuredContent).toMatchObject({ via: 'smtp', accepted: ['taylor.kim@example.org'], inReplyTo: '<d13@demo-shop.example>' });
    const again = await client.callTool({ name: 'email_reply_to_message', arguments: { uid, text: 'Your label is attached.', idempotency_key: 'label-1085' } });
    expect(again.structuredContent).toEqual(sent.structuredContent);
    expect(smtp.messages).toHaveLength(1);
    const [message] = smtp.messages;
    expect(message).toMatchObject({ mailFrom: 'support@demo-shop.example', rcptTo: ['taylor.kim@example.org'] });
    const mail = await simpleParser(message!.data);
    expect(mail).toMatchObject({ inReplyTo: '<d13@demo-shop.example>', references: '<d13@demo-shop.example>', subject: 'Re: Return label for order #1085' });

    const refused = await client.callTool({ name: 'email_send_email', arguments: { to: ['mallory@untrusted.test'], subject: 'All customers', text: 'x' } });
    expect(refused.isError).toBe(true);
    expect(smtp.messages).toHaveLength(1);
  });

  it('tells a subscribed client when mail arrives (IMAP IDLE in the connector, NATS, the hub)', async () => {
    const updates: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    await client.subscribeResource({ uri: 'email://INBOX/messages' });
    await new Promise((r) => setTimeout(r, 300));
    const other = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await other.connect();
    try {
      await other.append('INBOX', 'From: new@example.com\r\nSubject: Fresh\r\nMessage-ID: <fresh@example.com>\r\n\r\nHi\r\n');
    } finally {
      await other.logout();
    }
    const until = Date.now() + 8000;
    while (!updates.includes('email://INBOX/messages') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(updates).toContain('email://INBOX/messages');
  });

  it('keeps the passwords out of the processes\' output', () => {
    for (const p of processes) {
      expect(p.output).not.toContain(dovecot.password);
      expect(p.output).not.toContain(smtp.password);
    }
  });
});
