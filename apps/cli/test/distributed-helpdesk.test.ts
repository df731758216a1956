import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { CliProcess } from './support/cli-process';

const DATABASE_URL = process.env.HELPDESK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The helpdesk as operators deploy it: a hub process and two helpdesk replicas on PostgreSQL,
 * on a NATS server of the test's own (so no other test's connectors mix in), driven by an MCP SDK client.
 */
describe('distributed helpdesk: hub + two PostgreSQL-backed replicas over NATS', () => {
  const schema = `it_hd_${process.pid}_${Date.now() % 100000}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'hd-dist-'));
  const processes: CliProcess[] = [];
  let client: Client;
  let watcher: Client;
  let nats: NatsServerProcess;

  beforeAll(async () => {
    const configFile = path.join(dir, 'hub.json');
    writeFileSync(configFile, JSON.stringify({ connectors: { helpdesk: { store: { kind: 'postgres', url: DATABASE_URL, schema }, writeMode: true, seedDemoData: true } } }));
    nats = await NatsServerProcess.start();
    const NATS_URL = nats.url;
    const port = await freePort();
    const hub = CliProcess.mcpHub(['hub', '--port', String(port), '--nats', NATS_URL, '--config', configFile], {}, 'hub');
    processes.push(hub);
    const url = (await hub.waitForOutput(/MCP hub serving (http:\/\/\S+)/))[1]!;
    for (const label of ['replica-a', 'replica-b']) {
      const replica = CliProcess.mcpHub(['connector', 'helpdesk', '--nats', NATS_URL, '--config', configFile, '--log-level', 'debug'], {}, label);
      processes.push(replica);
      await replica.waitForOutput(/connector replica started/);
    }
    client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    watcher = new Client({ name: 'watcher', version: '1.0.0' });
    await watcher.connect(new StreamableHTTPClientTransport(new URL(url)));
    const until = Date.now() + 5000;
    while (!(await client.listTools()).tools.some((t) => t.name === 'helpdesk_create_ticket')) {
      if (Date.now() > until) throw new Error('helpdesk tools never appeared');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 90_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await watcher?.close().catch(() => undefined);
    for (const p of processes) await p.stop();
    await nats?.stop();
    // psql rather than a driver: the CLI's tests may not import vendor SDKs (module boundaries).
    execFileSync('psql', [DATABASE_URL, '-q', '-c', `DROP SCHEMA IF EXISTS ${schema} CASCADE`], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, comments on and transitions a ticket, and the watcher hears about it', async () => {
    const created = await client.callTool({
      name: 'helpdesk_create_ticket',
      arguments: { subject: 'VPN drops every hour', body: 'Since Monday.', requester: 'lee@example.com', priority: 'high' },
    });
    expect(created.isError).toBeFalsy();
    const id = (created.structuredContent as { ticket: { id: number } }).ticket.id;
    const uri = `helpdesk://tickets/${id}`;
    const updates: string[] = [];
    watcher.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    await watcher.subscribeResource({ uri });

    expect((await client.callTool({ name: 'helpdesk_add_comment', arguments: { id, body: 'Checking the concentrator.' } })).isError).toBeFalsy();
    const moved = await client.callTool({ name: 'helpdesk_transition_ticket', arguments: { id, status: 'in_progress' } });
    expect(moved.structuredContent).toMatchObject({ from: 'open', to: 'in_progress' });
    const read = await watcher.readResource({ uri });
    expect(JSON.stringify(read.contents)).toContain('Checking the concentrator.');
    const until = Date.now() + 3000;
    while (!updates.includes(uri) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(updates).toContain(uri);
  });

  it('spreads calls over both replicas, which share one store', async () => {
    const [a, b] = processes.slice(1);
    const before = a!.count(/call served/) + b!.count(/call served/);
    const ids = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const result = await client.callTool({ name: 'helpdesk_search_tickets', arguments: { status: 'open' } });
      expect(result.isError).toBeFalsy();
      for (const ticket of (result.structuredContent as { tickets: Array<{ id: number }> }).tickets) ids.add(ticket.id);
    }
    const until = Date.now() + 3000;
    while (a!.count(/call served/) + b!.count(/call served/) < before + 30 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(a!.count(/call served/)).toBeGreaterThan(3);
    expect(b!.count(/call served/)).toBeGreaterThan(3);
    expect(ids.size).toBeGreaterThan(0);
  });
});
