import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort } from '@mcp-hub/bus/testing';
import { FakeGithub, TEST_TOKEN } from '@mcp-hub/connector-github/src/testing';
import { approvingClient } from './support/approving-client';
import { CliProcess } from './support/cli-process';

/**
 * The ticket scenario through the embedded hub and an MCP SDK client, as a support assistant runs
 * it against GitHub (a local fake of its REST API): search issues → read one → comment →
 * relabel → close with a reason; and a repository outside the allowlist stays out of reach.
 */
describe('GitHub ticket scenario through the hub', () => {
  let fake: FakeGithub;
  let dataDir: string;
  const processes: CliProcess[] = [];
  const clients: Client[] = [];
  /** The approval questions the hub asked (writes outside need a person's approval by default). */
  const asked: string[] = [];

  beforeAll(async () => {
    fake = await new FakeGithub(TEST_TOKEN).start();
    fake.addRepo({ owner: 'acme', name: 'app' }).issues.push({ number: 1, title: 'Login crash on Safari', body: 'It crashes\u200b when I log in', state: 'open', state_reason: null, labels: ['question'], assignees: [], user: 'customer', comments: [] });
    fake.addRepo({ owner: 'evil', name: 'private', private: true }).issues.push({ number: 1, title: 'Login crash secret', body: 'secret', state: 'open', state_reason: null, labels: [], assignees: [], user: 'x', comments: [] });
    dataDir = mkdtempSync(path.join(tmpdir(), 'mcp-github-'));
  });
  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    for (const p of processes) await p.stop();
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('works an issue from search to close, and cannot read outside the allowlist', async () => {
    const port = await freePort();
    const hub = CliProcess.mcpHub(['start', '--port', String(port), '--data-dir', dataDir], {
      GITHUB_TOKEN: TEST_TOKEN,
      GITHUB_BASE_URL: fake.url,
      GITHUB_REPOSITORIES: 'acme/app',
      GITHUB_WRITE_MODE: 'true',
    });
    processes.push(hub);
    await hub.waitForOutput(/serving (http:\/\/\S+)/, 60_000);
    expect(hub.output).toMatch(/Connectors: helpdesk, database, email, github \(/);
    const client = approvingClient('support-assistant', asked);
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    clients.push(client);

    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['github_search_issues', 'github_get_issue', 'github_add_issue_comment', 'github_update_issue', 'github_merge_pull_request']));

    const found = await client.callTool({ name: 'github_search_issues', arguments: { query: 'login crash is:open' } });
    const issues = (found.structuredContent as { issues: Array<{ repository: string; number: number }> }).issues;
    expect(issues.map((i) => `${i.repository}#${i.number}`)).toEqual(['acme/app#1']);

    const read = await client.callTool({ name: 'github_get_issue', arguments: { owner: 'acme', repo: 'app', issue_number: 1 } });
    expect((read.structuredContent as any).issue.body).toEqual({ text: 'It crashes when I log in', untrusted: true, source: 'github:acme/app:issue:1', truncated: false });

    const comment = await client.callTool({ name: 'github_add_issue_comment', arguments: { owner: 'acme', repo: 'app', issue_number: 1, body: 'Fixed in 2.1, thanks!', idempotency_key: 'reply-1' } });
    expect(comment.isError).toBeFalsy();
    expect(asked.some((message) => message.includes('github_add_issue_comment') && message.includes('Fixed in 2.1'))).toBe(true);
    await client.callTool({ name: 'github_add_issue_comment', arguments: { owner: 'acme', repo: 'app', issue_number: 1, body: 'Fixed in 2.1, thanks!', idempotency_key: 'reply-1' } });
    expect(fake.repos.get('acme/app')!.issues[0]!.comments.map((c) => c.body)).toEqual(['Fixed in 2.1, thanks!']);

    await client.callTool({ name: 'github_update_issue', arguments: { owner: 'acme', repo: 'app', issue_number: 1, labels: ['bug'] } });
    const closed = await client.callTool({ name: 'github_update_issue', arguments: { owner: 'acme', repo: 'app', issue_number: 1, state: 'closed', state_reason: 'completed' } });
    expect((closed.structuredContent as any).issue).toMatchObject({ state: 'closed', state_reason: 'completed', labels: ['bug'] });

    const outside = await client.callTool({ name: 'github_get_issue', arguments: { owner: 'evil', repo: 'private', issue_number: 1 } });
    expect(outside.isError).toBe(true);
    expect(JSON.stringify(outside.content)).toContain('not in this connector');
    expect(fake.requests.some((r) => r.path.startsWith('/repos/evil'))).toBe(false);
    expect(hub.output).not.toContain(TEST_TOKEN);
  }, 90_000);

  it('npm start without a GitHub allowlist starts the other connectors and not this one, even with a token in the environment', async () => {
    const port = await freePort();
    const hub = CliProcess.mcpHub(['start', '--port', String(port), '--data-dir', dataDir], { GITHUB_TOKEN: TEST_TOKEN, GITHUB_REPOSITORIES: '' });
    processes.push(hub);
    await hub.waitForOutput(/serving (http:\/\/\S+)/, 60_000);
    expect(hub.output).toMatch(/Connectors: helpdesk, database, email \(/);
    expect(hub.output).not.toMatch(/Not started/);
  }, 90_000);
});
