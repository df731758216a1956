import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { repoRoot } from './support/cli-process';
import { waitFor } from './support/wait-for';

const MARKER = '<!-- readme-test: distributed';
const README_NATS = 'nats://127.0.0.1:4222';
const README_PORT = '--port 3000';

/**
 * The commands of the README's block marked `readme-test: distributed`, each line (with its
 * backslash continuations) one long-running command.
 */
function distributedCommands(readme: string): string[] {
  const start = readme.indexOf(MARKER);
  if (start < 0) throw new Error(`README.md has no ${MARKER} block`);
  const block = /```bash\n([\s\S]*?)\n```/.exec(readme.slice(start))?.[1];
  if (!block) throw new Error('no ```bash block after the marker');
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * A newcomer runs "Run it distributed" as written. The test changes only where things meet:
 * its own nats-server instead of the machine's (no other test's connectors mix in), a free
 * port instead of 3000, and (through HELPDESK_DATABASE_SCHEMA, set in the environment) a
 * helpdesk schema of its own in the machine's PostgreSQL.
 */
describe('README "Run it distributed" runs as written', () => {
  const commands = distributedCommands(readFileSync(path.join(repoRoot, 'README.md'), 'utf8'));
  const schema = `readme_hd_${process.pid}_${Date.now() % 100000}`;
  const children: Array<{ child: ChildProcess; output: () => string }> = [];
  let nats: NatsServerProcess;
  let client: Client | undefined;

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    for (const { child } of children) {
      // Each command runs in its own process group: the shell and the node process under it.
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    }
    await Promise.all(children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : undefined)));
    await nats?.stop();
    execFileSync('psql', ['postgres://postgres@127.0.0.1:5432/test', '-q', '-c', `DROP SCHEMA IF EXISTS ${schema} CASCADE`], { stdio: 'ignore' });
  });

  it('brings up a hub, the helpdesk and the database connector; tools/list shows their tools', async () => {
    expect(commands).toHaveLength(3);
    expect(commands.every((c) => c.includes(README_NATS))).toBe(true);
    expect(commands[0]).toContain(README_PORT);

    nats = await NatsServerProcess.start();
    const port = await freePort();
    for (const command of commands) {
      const line = command.replaceAll(README_NATS, nats.url).replace(README_PORT, `--port ${port}`);
      const child = spawn('bash', ['-c', line], {
        cwd: repoRoot,
        env: { ...process.env, HELPDESK_DATABASE_SCHEMA: schema, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      children.push({ child, output: () => output });
    }
    const explain = () => children.map(({ output }, i) => `--- ${commands[i]}\n${output()}`).join('\n');

    const url = `http://127.0.0.1:${port}/mcp`;
    await waitFor(async () => (await fetch(url.replace('/mcp', '/readyz'))).status === 200, 60_000, 'the hub ready').catch((error: Error) => {
      throw new Error(`${error.message}\n${explain()}`);
    });
    client = new Client({ name: 'newcomer', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const names = async () => (await client!.listTools()).tools.map((t) => t.name);
    await waitFor(async () => (await names()).includes('helpdesk_create_ticket') && (await names()).includes('database_run_query'), 60_000, 'both connectors listed').catch(
      (error: Error) => {
        throw new Error(`${error.message}\n${explain()}`);
      },
    );
    expect(await names()).toEqual(expect.arrayContaining(['helpdesk_search_tickets', 'helpdesk_create_ticket', 'database_list_sources', 'database_run_query']));

    // HELPDESK_SEED_DEMO_DATA=true: the new store is not empty.
    const seeded = await client.callTool({ name: 'helpdesk_search_tickets', arguments: {} });
    expect((seeded.structuredContent as { tickets: unknown[] }).tickets.length).toBeGreaterThan(0);
    const sources = await client.callTool({ name: 'database_list_sources', arguments: {} });
    expect(JSON.stringify(sources.structuredContent)).toContain('"helpdesk"');
    // The source's connection works as configured (no table: the test's helpdesk schema has its own name).
    const query = await client.callTool({ name: 'database_run_query', arguments: { source: 'helpdesk', sql: 'SELECT 1 AS one' } });
    expect(query.isError).toBeFalsy();
    expect(query.structuredContent).toMatchObject({ rows: [[1]] });
  }, 150_000);
});
