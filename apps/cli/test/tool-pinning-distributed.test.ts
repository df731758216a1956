import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { PostgresPinStore } from '@mcp-hub/hub';
import { CliProcess } from './support/cli-process';
import { waitFor } from './support/wait-for';

const SERVER_URL = process.env.HUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOOL = 'helpdesk_search_tickets';

/**
 * Tool pinning as operators deploy it: a `hub` process pinning in PostgreSQL (a database of the
 * test's own), a helpdesk replica over NATS, an SDK client, and `mcp-hub tools approve`.
 */
describe('distributed hub: pins in PostgreSQL, approved from the CLI', () => {
  const database = `pins_it_${process.pid}_${Date.now() % 100000}`;
  const databaseUrl = SERVER_URL.replace(/\/[^/]*$/, `/${database}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'pins-dist-'));
  const processes: CliProcess[] = [];
  let nats: NatsServerProcess;
  let client: Client;
  let store: PostgresPinStore;

  beforeAll(async () => {
    // psql rather than a driver: the CLI's tests may not import vendor SDKs (module boundaries).
    execFileSync('psql', [SERVER_URL, '-q', '-c', `CREATE DATABASE ${database}`], { stdio: 'ignore' });
    store = new PostgresPinStore({ connectionString: databaseUrl });
    const configFile = path.join(dir, 'hub.json');
    writeFileSync(configFile, JSON.stringify({ pinning: { pollMs: 200 }, connectors: { helpdesk: { store: { kind: 'sqlite', path: path.join(dir, 'helpdesk.sqlite') } } } }));
    nats = await NatsServerProcess.start();
    const hub = CliProcess.mcpHub(['hub', '--port', String(await freePort()), '--nats', nats.url, '--config', configFile], { MCP_HUB_PINNING_POSTGRES_URL: databaseUrl }, 'hub');
    processes.push(hub);
    const url = (await hub.waitForOutput(/MCP hub serving (http:\/\/\S+)/))[1]!;
    const helpdesk = CliProcess.mcpHub(['connector', 'helpdesk', '--nats', nats.url, '--config', configFile], {}, 'helpdesk');
    processes.push(helpdesk);
    await helpdesk.waitForOutput(/connector replica started/);
    client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  }, 90_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    for (const p of processes) await p.stop();
    await nats?.stop();
    await store?.close();
    execFileSync('psql', [SERVER_URL, '-q', '-c', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  const listed = async () => (await client.listTools()).tools.some((t) => t.name === TOOL);

  it('pins on first sight, holds a definition that differs from the pin, and serves it again once approved', async () => {
    await waitFor(listed, 10_000, `${TOOL} listed`);
    await waitFor(async () => (await store.all()).some((r) => r.name === TOOL && r.approvedHash !== null), 5000, 'the first pin in PostgreSQL');

    // Another replica, or an earlier release, pinned something else under this name.
    execFileSync('psql', [databaseUrl, '-q', '-c', `UPDATE definition_pins SET approved_hash = '${'0'.repeat(64)}' WHERE name = '${TOOL}'`], { stdio: 'ignore' });
    await waitFor(async () => !(await listed()), 5000, `${TOOL} hidden`);
    await expect(client.callTool({ name: TOOL, arguments: { query: 'vpn' } })).rejects.toThrow(/Unknown tool/);
    await waitFor(async () => (await store.all()).some((r) => r.name === TOOL && r.pendingHash !== null), 5000, 'the held definition in PostgreSQL');

    const approve = CliProcess.mcpHub(['tools', 'approve', TOOL], { MCP_HUB_PINNING_POSTGRES_URL: databaseUrl }, 'tools approve');
    await approve.waitForOutput(new RegExp(`approved tool ${TOOL} \\(sha256 [0-9a-f]{64}\\)`));
    expect((await approve.exited()).code).toBe(0);
    await waitFor(listed, 5000, `${TOOL} listed again`);
    const result = await client.callTool({ name: TOOL, arguments: { query: 'vpn' } });
    expect(result.isError).toBeFalsy();
  });
});
