import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { FakeSlack, FAKE_BOT } from '@mcp-hub/connector-slack/testing';
import { approvingClient } from './support/approving-client';
import { CliProcess } from './support/cli-process';
import { waitFor } from './support/wait-for';

const SUPPORT = 'C0SUPPORT1';
const PRIVATE = 'G0PRIVATE1';

/**
 * Issue 17's scenario end to end: `mcp-hub start` with the Slack connector configured through its
 * environment against the fake Web API, an MCP client reading a support channel, replying in a
 * thread and reacting, subscribed to the channel's history; and refused anywhere else.
 */
describe('slack through the hub', () => {
  let fake: FakeSlack;
  let dataDir: string;
  let hub: CliProcess | undefined;
  let client: Client | undefined;
  /** The approval questions the hub asked (outbound writes need a person's approval by default). */
  const asked: string[] = [];

  beforeEach(async () => {
    fake = await FakeSlack.start({ channels: [{ id: SUPPORT, name: 'support' }, { id: PRIVATE, name: 'private', isPrivate: true }] });
    dataDir = mkdtempSync(path.join(tmpdir(), 'mcp-slack-e2e-'));
  });
  afterEach(async () => {
    await client?.close().catch(() => undefined);
    await hub?.stop();
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a support assistant reads #support, answers in the thread, reacts, and cannot ping everyone or post elsewhere', async () => {
    const question = fake.addMessage(SUPPORT, { user: 'U0ALICE001', text: 'My VPN drops every hour, help?' });
    const port = await freePort();
    hub = CliProcess.mcpHub(['start', '--port', String(port), '--data-dir', dataDir], {
      SLACK_BOT_TOKEN: fake.botToken,
      SLACK_API_URL: fake.apiUrl,
      SLACK_CHANNELS: '#support',
      SLACK_WRITE_MODE: 'true',
      SLACK_POLL_INTERVAL_MS: '100',
    });
    await hub.waitForOutput(/serving http:\/\/127\.0\.0\.1:\d+\/mcp/, 60_000);
    client = approvingClient('support-assistant', asked);
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));

    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['slack_get_channel_history', 'slack_reply_in_thread', 'slack_add_reaction', 'slack_post_message']));
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toContain('slack://channels/{id}/history');

    const uri = `slack://channels/${SUPPORT}/history`;
    const updates: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    await client.subscribeResource({ uri });

    const history = await client.callTool({ name: 'slack_get_channel_history', arguments: { channel: '#support' } });
    expect(history.isError).toBeFalsy();
    expect(history.structuredContent).toMatchObject({ messages: [{ ts: question, text: 'My VPN drops every hour, help?', untrusted: true }] });

    const reply = await client.callTool({
      name: 'slack_reply_in_thread',
      arguments: { channel: SUPPORT, thread_ts: question, text: '<!here> Please update the VPN client to 5.2.', idempotency_key: 'vpn-answer-1' },
    });
    expect(reply.isError).toBeFalsy();
    expect(reply.structuredContent).toMatchObject({ thread_ts: question, mentions_neutralised: 1 });
    expect(asked.some((message) => message.includes('slack_reply_in_thread') && message.includes('Please update the VPN client'))).toBe(true);
    const reacted = await client.callTool({ name: 'slack_add_reaction', arguments: { channel: SUPPORT, ts: question, name: 'eyes' } });
    expect(reacted.isError).toBeFalsy();
    await waitFor(() => updates.includes(uri), 5000, 'the resource update after the reply');

    const stored = fake.channelMessages(SUPPORT);
    expect(stored.find((m) => m.thread_ts === question)).toMatchObject({ bot_id: FAKE_BOT.botId, text: '@\u200bhere Please update the VPN client to 5.2.' });
    expect(stored.find((m) => m.ts === question)!.reactions).toEqual([{ name: 'eyes', users: [FAKE_BOT.userId] }]);

    // Someone else writes in the channel: the poller notices and the subscriber hears of it.
    const count = updates.length;
    fake.addMessage(SUPPORT, { user: 'U0BOB00001', text: 'Same here' });
    await waitFor(() => updates.length > count, 5000, 'the resource update from polling');

    const elsewhere = await client.callTool({ name: 'slack_post_message', arguments: { channel: PRIVATE, text: 'hello' } });
    expect(elsewhere.isError).toBe(true);
    expect(JSON.stringify(elsewhere.content)).toContain('not in the connector');
    expect(fake.channelMessages(PRIVATE)).toHaveLength(0);
    expect(hub.output).not.toContain(fake.botToken);
  }, 90_000);

  it('mcp-hub connector slack serves a hub over NATS read-only: no write tool, reads and updates work', async () => {
    const nats = await NatsServerProcess.start();
    const processes: CliProcess[] = [];
    try {
      fake.addMessage(SUPPORT, { user: 'U0ALICE001', text: 'Is the wiki down?' });
      const port = await freePort();
      const front = CliProcess.mcpHub(['hub', '--port', String(port), '--nats', nats.url], {}, 'hub');
      processes.push(front);
      const url = (await front.waitForOutput(/MCP hub serving (http:\/\/\S+)/, 60_000))[1]!;
      const env = { SLACK_BOT_TOKEN: fake.botToken, SLACK_API_URL: fake.apiUrl, SLACK_CHANNELS: SUPPORT, SLACK_POLL_INTERVAL_MS: '100' };
      const connector = CliProcess.mcpHub(['connector', 'slack', '--nats', nats.url], env, 'slack');
      processes.push(connector);
      await connector.waitForOutput(/connector replica started/, 60_000);
      client = new Client({ name: 'reader', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const slackTools = async () => (await client!.listTools()).tools.map((t) => t.name).filter((name) => name.startsWith('slack_'));
      await waitFor(async () => (await slackTools()).length > 0, 10_000, 'the slack tools');
      expect((await slackTools()).sort()).toEqual(['slack_get_channel_history', 'slack_get_thread_replies', 'slack_get_user', 'slack_list_channels', 'slack_list_users', 'slack_search_messages']);

      const uri = `slack://channels/${SUPPORT}/history`;
      const updates: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
      await client.subscribeResource({ uri });
      const read = await client.readResource({ uri });
      expect(JSON.stringify(read.contents)).toContain('Is the wiki down?');
      // The poller's first round has recorded the channel once Slack has been asked twice.
      await waitFor(() => fake.requestsOf('conversations.history').filter((r) => r.args.limit === '1').length >= 2, 10_000, 'two polling rounds');
      fake.addMessage(SUPPORT, { user: 'U0BOB00001', text: 'Yes, since noon' });
      await waitFor(() => updates.includes(uri), 10_000, 'the resource update over NATS');
      expect(fake.requestsOf('chat.postMessage')).toHaveLength(0);
      expect(connector.output).not.toContain(fake.botToken);
    } finally {
      for (const p of processes) await p.stop();
      await nats.stop();
    }
  }, 120_000);

  it('mcp-hub connector slack without a token stops at once, naming SLACK_BOT_TOKEN', async () => {
    const connector = CliProcess.mcpHub(['connector', 'slack', '--nats', 'nats://127.0.0.1:1'], { SLACK_BOT_TOKEN: '' }, 'slack');
    hub = connector;
    const { code } = await connector.exited(60_000);
    expect(code).not.toBe(0);
    expect(connector.output).toContain('SLACK_BOT_TOKEN');
  }, 90_000);
});
