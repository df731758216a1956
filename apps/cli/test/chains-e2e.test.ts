import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { Redactor } from '@mcp-hub/connector-kit';
import { FakeSlack } from '@mcp-hub/connector-slack/testing';
import { PrincipalAssertionSigner, type Hub } from '@mcp-hub/hub';
import type { ToolResult } from '@mcp-hub/connector-contract';
import { CliConfigSchema, type CliConfig } from '../src/cli-config';
import { ConfigError } from '../src/config-loader';
import { connectorModuleFor, startConnector, type RunningConnector } from '../src/connector-runtime';
import { hubChainsFor, startHub, stopHub } from '../src/hub-runtime';
import { waitFor } from './support/wait-for';

const EXAMPLE = path.join(__dirname, '../../../docs/examples/chains.yaml');
const SUPPORT = 'C0SUPPORT1';
const PRIVATE = 'G0PRIVATE1';
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

function text(result: ToolResult): string {
  return result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
}

/**
 * Issue 15's chain end to end, composed as the CLI composes the embedded mode (its configuration
 * schema, `startHub`, `startConnector`): the example chain file against the helpdesk (SQLite
 * store with demo tickets), the database (the SQLite demo shop) and Slack (the fake Web API).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe.each(['embedded', 'bullmq'] as const)('the example service chain: helpdesk -> database -> Slack -> helpdesk (%s)', (mode) => {
  let fake: FakeSlack;
  let dataDir: string;
  let bus: InProcessBus;
  let hub: Hub;
  let config: CliConfig;
  const connectors: RunningConnector[] = [];
  const namespace = `chaine2e${process.pid}x${Math.floor(Math.random() * 1e9)}`;

  beforeAll(async () => {
    fake = await FakeSlack.start({ channels: [{ id: SUPPORT, name: 'support' }, { id: PRIVATE, name: 'private', isPrivate: true }] });
    dataDir = mkdtempSync(path.join(tmpdir(), 'mcp-chains-e2e-'));
    config = CliConfigSchema.parse({
      dataDir,
      // On BullMQ: the hub's chain flows on the real Redis, under a namespace of this test's own.
      ...(mode === 'bullmq' && { namespace, jobs: { redisUrl: REDIS_URL }, pinning: { enabled: false } }),
      connectors: { slack: { botToken: fake.botToken, apiUrl: fake.apiUrl, channels: ['#support'], writeMode: true, pollIntervalMs: 0 } },
      chains: { files: [EXAMPLE] },
    });
    bus = new InProcessBus();
    const assertions = PrincipalAssertionSigner.ephemeral(60_000);
    hub = await startHub(config, bus, logger, undefined, assertions.signer, mode === 'embedded');
    for (const id of ['helpdesk', 'database', 'slack']) {
      connectors.push(await startConnector(connectorModuleFor(id, config), config, bus, logger, { embedded: true, env: {}, redactor: new Redactor(), assertionKeys: [assertions.publicKey] }));
    }
    await waitFor(() => ['helpdesk', 'database', 'slack'].every((id) => hub.inventory.replicaCount(id) > 0), 10_000, 'the three connectors');
  }, 60_000);

  afterAll(async () => {
    for (const connector of connectors) await connector.stop();
    if (hub) await stopHub(hub);
    await bus?.close();
    await fake?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const call = (name: string, args: Record<string, unknown>, onProgress?: (p: { progress: number; total?: number; message?: string }) => void) =>
    hub.callTool(name, args, { principal: config.principal, ...(onProgress && { onProgress }) });

  /**
   * Calls the chain as a model would with a person behind the hub: its Slack post is an open-world
   * write, so the first call stops at that step waiting for approval (nothing posted); the person
   * approves that exact call (`mcp-hub approvals approve`), and the same call again runs through.
   */
  async function callApproving(args: Record<string, unknown>, onProgress?: (p: { progress: number; total?: number; message?: string }) => void) {
    const before = fake.requestsOf('chat.postMessage').length;
    const held = await call('chain_ticket_summary', args);
    expect(text(held)).toMatch(/^chain_ticket_summary failed: step "post" \(slack_post_message\) failed: This call needs a person's approval/);
    expect(fake.requestsOf('chat.postMessage')).toHaveLength(before);
    const id = /Approval id: ([0-9a-f-]{36})/.exec(text(held))![1]!;
    expect(await hub.approvals!.decide(id, 'approved', 'admin')).toMatchObject({ status: 'approved' });
    return call('chain_ticket_summary', args, onProgress);
  }

  /** A ticket whose requester is customer 7 of the demo shop; its id and the customer's name. */
  async function ticketOfKnownCustomer(): Promise<{ id: number; name: string; subject: string }> {
    const customer = await call('database_run_query', { source: 'demo', sql: 'SELECT email, name FROM customers WHERE id = 7' });
    const [email, name] = (customer.structuredContent as { rows: string[][] }).rows[0]!;
    const subject = 'Invoice shows the wrong VAT number';
    const created = await call('helpdesk_create_ticket', { subject, body: 'Please fix the VAT number on invoice 2041.', requester: email, priority: 'high' });
    expect(created.isError).toBeFalsy();
    return { id: (created.structuredContent as { ticket: { id: number } }).ticket.id, name: name!, subject };
  }

  it('is one tool with its own input schema, and runs the four systems in order, the two lookups in one wave', async () => {
    const listed = hub.listTools(config.principal).find((tool) => tool.name === 'chain_ticket_summary');
    expect(listed).toMatchObject({ title: 'Summarise a ticket to Slack', inputSchema: { required: ['ticket_id', 'channel'] } });

    const { id, name, subject } = await ticketOfKnownCustomer();
    const progress: string[] = [];
    const result = await callApproving({ ticket_id: id, channel: '#support' }, (p) => progress.push(`${p.progress}/${p.total} ${p.message}`));
    expect(text(result)).not.toMatch(/failed/);
    expect(result.isError).toBeFalsy();
    const output = result.structuredContent as { ticket: number; customer: string; slack: string; commented: boolean };
    expect(output).toMatchObject({ ticket: id, customer: name, commented: true });

    // Slack got the summary with data from the ticket and the database.
    const posted = fake.channelMessages(SUPPORT).find((message) => message.ts === output.slack);
    expect(posted?.text).toContain(`Ticket #${id} (high): ${subject} | customer: ${name}, `);
    expect(posted?.text).toMatch(/\| orders: \d+$/);
    // The ticket carries the internal comment, written as the chain's caller.
    const ticket = await call('helpdesk_get_ticket', { id });
    expect((ticket.structuredContent as { comments: Array<{ body: string; author: string; visibility: string }> }).comments).toEqual([
      expect.objectContaining({ body: `Summary posted to Slack (#support, message ${output.slack}).`, author: config.principal.id, visibility: 'internal' }),
    ]);
    expect(progress.slice(0, 1)).toEqual(['1/5 step ticket done']);
    expect(progress.slice(1, 3).map((p) => p.split(' ').slice(1).join(' ')).sort()).toEqual(['step customer done', 'step orders done']);
    expect(progress.slice(3)).toEqual(['4/5 step post done', '5/5 step comment done']);
    if (mode === 'bullmq') {
      // Each run was a flow on the chain queue, its parent and its steps kept there: the run held at
      // "post" (four steps, the post failed waiting for approval) and the approved run (five).
      const redis = new Redis(REDIS_URL);
      const jobs = (await redis.keys(`${namespace}:jobs:_chains:chain-*`)).filter((key) => !key.includes(':', `${namespace}:jobs:_chains:`.length));
      redis.disconnect();
      expect(jobs.filter((key) => key.includes('.')).map((key) => key.split('.').pop()).sort()).toEqual(['comment', 'customer', 'customer', 'orders', 'orders', 'post', 'post', 'ticket', 'ticket']);
    }
  });

  it('skips the comment for a requester the database does not know', async () => {
    const created = await call('helpdesk_create_ticket', { subject: 'Who am I?', body: 'Unknown customer.', requester: 'nobody@nowhere.example' });
    const id = (created.structuredContent as { ticket: { id: number } }).ticket.id;
    const result = await callApproving({ ticket_id: id, channel: '#support' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ ticket: id, commented: false });
    expect(fake.channelMessages(SUPPORT).some((message) => message.text.includes('customer: not in the customer database'))).toBe(true);
    const ticket = await call('helpdesk_get_ticket', { id });
    expect((ticket.structuredContent as { comments: unknown[] }).comments).toEqual([]);
  });

  it('fails at the step that failed, naming it, and runs nothing after it', async () => {
    const missing = await call('chain_ticket_summary', { ticket_id: 999_999, channel: '#support' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/^chain_ticket_summary failed: step "ticket" \(helpdesk_get_ticket\) failed: .*999999/);

    // Slack refuses a channel outside the connector's allowlist: no comment claims a post.
    const { id } = await ticketOfKnownCustomer();
    const before = fake.channelMessages(PRIVATE).length;
    const refused = await callApproving({ ticket_id: id, channel: PRIVATE });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^chain_ticket_summary failed: step "post" \(slack_post_message\) failed: .*not in the connector/);
    expect(fake.channelMessages(PRIVATE)).toHaveLength(before);
    const ticket = await call('helpdesk_get_ticket', { id });
    expect((ticket.structuredContent as { comments: unknown[] }).comments).toEqual([]);
  });

  it('refuses arguments that do not fit the chain\'s input schema before any step runs', async () => {
    const calls = fake.requestsOf('chat.postMessage').length;
    const result = await call('chain_ticket_summary', { ticket_id: 'one', channel: '#support' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^Invalid arguments for chain_ticket_summary: \/ticket_id must be integer/);
    expect(fake.requestsOf('chat.postMessage')).toHaveLength(calls);
  });
});

describe('chains in the hub configuration', () => {
  it('stops the hub from starting with a chain that calls itself, naming the cycle', () => {
    const looping = CliConfigSchema.parse({
      dataDir: tmpdir(),
      chains: {
        definitions: {
          ping: { description: 'p', inputSchema: { type: 'object' }, steps: [{ id: 'pong', tool: 'chain_pong' }] },
          pong: { description: 'p', inputSchema: { type: 'object' }, steps: [{ id: 'ping', tool: 'chain_ping' }] },
        },
      },
    });
    expect(() => hubChainsFor(looping, logger, true)).toThrow(ConfigError);
    expect(() => hubChainsFor(looping, logger, true)).toThrow('chains: chains call themselves: chain_ping -> chain_pong -> chain_ping');
  });
});
