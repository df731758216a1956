import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { freePort } from '@mcp-hub/bus/testing';
import { SqliteAuditStore, verifyAuditStore, type AuditRecord } from '@mcp-hub/hub';
import { repoRoot } from './support/cli-process';

/** The newcomer's path: `npm start`, connect a client, work a ticket, stop. */
describe('embedded mode as a user runs it', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mcp-hub-e2e-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('npm start serves the helpdesk over HTTP; a ticket is created, commented, transitioned; Ctrl-C stops it', async () => {
    const port = await freePort();
    // Its own process group, so that SIGINT reaches npm and the hub alike, as Ctrl-C in a terminal does.
    const child = spawn('npm', ['start', '--', '--port', String(port), '--data-dir', dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await waitFor(() => output.includes(`serving http://127.0.0.1:${port}/mcp`), 60_000, () => output);
      expect(output).toContain('"mcpServers"');

      const client = new Client({ name: 'newcomer', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(expect.arrayContaining(['helpdesk_search_tickets', 'helpdesk_create_ticket', 'helpdesk_add_comment', 'helpdesk_transition_ticket']));
      expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toContain('helpdesk://tickets/{id}');
      expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['helpdesk_triage_ticket', 'helpdesk_draft_reply']));

      const seeded = await client.callTool({ name: 'helpdesk_search_tickets', arguments: {} });
      expect(seeded.isError).toBeFalsy();
      expect((seeded.structuredContent as { tickets: unknown[] }).tickets.length).toBeGreaterThan(0);

      const created = await client.callTool({
        name: 'helpdesk_create_ticket',
        arguments: { subject: 'Printer on fire', body: 'The printer on floor 3 is smoking.', requester: 'pat@example.com', priority: 'urgent' },
      });
      expect(created.isError).toBeFalsy();
      const id = (created.structuredContent as { ticket: { id: number } }).ticket.id;

      const commented = await client.callTool({ name: 'helpdesk_add_comment', arguments: { id, body: 'Facilities called.', visibility: 'public' } });
      expect(commented.isError).toBeFalsy();
      const moved = await client.callTool({ name: 'helpdesk_transition_ticket', arguments: { id, status: 'in_progress' } });
      expect(moved.structuredContent).toMatchObject({ from: 'open', to: 'in_progress' });
      const illegal = await client.callTool({ name: 'helpdesk_transition_ticket', arguments: { id, status: 'closed' } });
      expect(illegal.isError).toBe(true);

      const resource = await client.readResource({ uri: `helpdesk://tickets/${id}` });
      expect(JSON.stringify(resource.contents)).toContain('Facilities called.');
      const prompt = await client.getPrompt({ name: 'helpdesk_triage_ticket', arguments: { id: String(id) } });
      expect(JSON.stringify(prompt.messages)).toContain('Printer on fire');

      // The demo database is there too, read-only.
      const query = await client.callTool({ name: 'database_run_query', arguments: { source: 'demo', sql: 'SELECT id, name FROM customers ORDER BY id', max_rows: 5 } });
      expect(query.structuredContent).toMatchObject({ rowCount: 5, truncated: true, untrusted: true });
      const write = await client.callTool({ name: 'database_run_query', arguments: { source: 'demo', sql: 'DELETE FROM customers' } });
      expect(write.isError).toBe(true);
      await client.close();
    } finally {
      process.kill(-child.pid!, 'SIGINT');
    }
    await exited; // npm itself dies of the SIGINT; what matters is that the hub shut down cleanly:
    await waitFor(() => output.includes('shutting down'), 5000, () => output);
    await waitForPortClosed(port, 10_000);
    expect(output).not.toMatch(/shutdown failed|"level":50/);

    // Every call is in the data directory's audit log, written by the time the hub exited, in an intact chain.
    const audit = new SqliteAuditStore({ file: path.join(dataDir, 'audit.sqlite') });
    try {
      expect(await verifyAuditStore(audit)).toMatchObject({ ok: true, records: 9 });
      const records = (await audit.latest(9)).reverse().map((row) => JSON.parse(row.record) as AuditRecord);
      expect(records.map((r) => `${r.target} ${r.outcome}`)).toEqual([
        'helpdesk_search_tickets ok',
        'helpdesk_create_ticket ok',
        'helpdesk_add_comment ok',
        'helpdesk_transition_ticket ok',
        'helpdesk_transition_ticket tool_error',
        expect.stringMatching(/^helpdesk:\/\/tickets\/\d+ ok$/),
        'helpdesk_triage_ticket ok',
        'database_run_query ok',
        'database_run_query tool_error',
      ]);
      expect(records[1]).toMatchObject({ principal: 'local', connector: 'helpdesk', decision: { allowed: true }, arguments: { subject: 'Printer on fire' } });
    } finally {
      await audit.close();
    }
  }, 90_000);

  it('bin/mcp-hub stdio serves the same hub to a desktop client, logs off stdout', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(repoRoot, 'bin/mcp-hub'), 'stdio', '--data-dir', dataDir],
      cwd: tmpdir(),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop', version: '1.0.0' });
    await client.connect(transport);
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toContain('helpdesk_get_ticket');
      const result = await client.callTool({ name: 'helpdesk_search_tickets', arguments: { status: 'open' } });
      expect(result.isError).toBeFalsy();
      const id = (result.structuredContent as { tickets: Array<{ id: number }> }).tickets[0]!.id;
      const uri = `helpdesk://tickets/${id}`;
      expect((await client.readResource({ uri })).contents[0]).toMatchObject({ uri });
      expect((await client.getPrompt({ name: 'helpdesk_draft_reply', arguments: { id: String(id) } })).messages.length).toBeGreaterThan(0);
      const updates: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
      await client.subscribeResource({ uri });
      await client.callTool({ name: 'helpdesk_add_comment', arguments: { id, body: 'Seen over stdio.' } });
      const until = Date.now() + 3000;
      while (!updates.includes(uri) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(updates).toContain(uri);
    } finally {
      await client.close();
    }
  }, 90_000);
});

async function waitForPortClosed(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false);
    if (!open) return;
    if (Date.now() > until) throw new Error(`the hub still serves on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number, explain: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out:\n${explain()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
