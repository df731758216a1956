import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { CliProcess, repoRoot } from './support/cli-process';
import { waitFor } from './support/wait-for';

const run = promisify(execFile);

/**
 * Connector packages outside this repository's connectors/: `mcp-hub new connector demo` into a
 * temporary folder whose node_modules holds only what an outside team installs (the kit and zod),
 * then its tests, the embedded hub loading it by path next to broken plugins, and the package's
 * own main serving it to a hub over NATS.
 */
describe('connector packages as plugins', () => {
  let root: string;
  let demo: string;
  const processes: CliProcess[] = [];
  const clients: Client[] = [];

  const connect = async (url: string) => {
    const client = new Client({ name: 'plugin-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    clients.push(client);
    return client;
  };
  const toolNames = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'mcp-plugins-'));
    demo = path.join(root, 'demo');
    await run(process.execPath, [path.join(repoRoot, 'bin/mcp-hub'), 'new', 'connector', 'demo', '--dir', demo], { cwd: root });
    // What `npm install @mcp-hub/connector-kit zod` would give the team.
    mkdirSync(path.join(root, 'node_modules/@mcp-hub'), { recursive: true });
    symlinkSync(path.join(repoRoot, 'libs/connector-kit'), path.join(root, 'node_modules/@mcp-hub/connector-kit'));
    symlinkSync(path.join(repoRoot, 'node_modules/zod'), path.join(root, 'node_modules/zod'));
    // A plugin whose create fails with a secret in its message.
    mkdirSync(path.join(root, 'boom'));
    writeFileSync(
      path.join(root, 'boom/index.js'),
      "const { z } = require('zod');\nexports.connectorModule = { id: 'boom', configSchema: z.object({}), fromEnv: () => ({}), embeddedConfig: () => ({}), create: async () => { throw new Error('cannot reach postgres://app:hunter22@db/boom'); } };\n",
    );
  }, 60_000);

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close().catch(() => undefined);
    for (const p of processes.splice(0)) await p.stop();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('mcp-hub new connector writes a package whose own tests pass', async () => {
    const config = {
      rootDir: demo,
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': [require.resolve('@swc/jest'), { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
    };
    const { stdout, stderr } = await run(process.execPath, [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci'], { cwd: demo });
    expect(`${stdout}${stderr}`).toMatch(/Tests:\s+4 passed, 4 total/);
  }, 60_000);

  it('refuses an id the contract refuses and a folder that exists', async () => {
    const refuse = (args: string[]) => run(process.execPath, [path.join(repoRoot, 'bin/mcp-hub'), 'new', 'connector', ...args], { cwd: root });
    await expect(refuse(['Demo_1'])).rejects.toMatchObject({ stderr: expect.stringContaining('cannot create connector "Demo_1": connector id must match') });
    await expect(refuse(['demo', '--dir', demo])).rejects.toMatchObject({ stderr: expect.stringContaining(`${demo} already exists`) });
  }, 30_000);

  it('the embedded hub loads it by path and serves it; broken plugins are logged, and everything else starts', async () => {
    const config = path.join(root, 'embedded.json');
    writeFileSync(
      config,
      JSON.stringify({ connectors: { demo: { module: './demo' }, missing: { module: '@acme/mcp-connector-missing' }, boom: { module: './boom' }, wrong: { module: './demo' } } }),
    );
    const port = await freePort();
    const hub = CliProcess.mcpHub(['start', '--port', String(port), '--config', config, '--data-dir', path.join(root, 'data')], {}, 'embedded', root);
    processes.push(hub);
    await hub.waitForOutput(/serving (http:\/\/\S+)/, 60_000);
    expect(hub.output).toMatch(/Connectors: helpdesk, database, email, demo \(/);
    expect(hub.output).toMatch(/Not started \(see the log\): missing, boom, wrong/);
    expect(hub.output).toContain('connector missing not started: connector module \\"@acme/mcp-connector-missing\\" (connectors.missing.module) not found');
    expect(hub.output).toContain('connector boom not started: cannot reach postgres://app:[redacted]@db/boom');
    expect(hub.output).toContain('is connector \\"demo\\", not \\"wrong\\"');
    expect(hub.output).not.toContain('hunter22');

    const client = await connect(`http://127.0.0.1:${port}/mcp`);
    expect(await toolNames(client)).toEqual(expect.arrayContaining(['helpdesk_search_tickets', 'demo_list_notes', 'demo_add_note']));
    const added = await client.callTool({ name: 'demo_add_note', arguments: { text: 'from the hub', idempotency_key: 'once' } });
    await client.callTool({ name: 'demo_add_note', arguments: { text: 'from the hub', idempotency_key: 'once' } });
    expect(added.structuredContent).toEqual({ id: 1 });
    const listed = await client.callTool({ name: 'demo_list_notes', arguments: {} });
    expect(listed.structuredContent).toMatchObject({ notes: [{ id: 1, text: 'from the hub' }] });
    expect(JSON.stringify((await client.readResource({ uri: 'demo://notes' })).contents)).toContain('from the hub');
  }, 90_000);

  it('runs as its own process through its main against a hub over NATS, listed within 2 s; mcp-hub connector loads it too', async () => {
    const nats = await NatsServerProcess.start();
    try {
      const port = await freePort();
      const hub = CliProcess.mcpHub(['hub', '--port', String(port), '--nats', nats.url], {}, 'hub');
      processes.push(hub);
      const url = (await hub.waitForOutput(/MCP hub serving (http:\/\/\S+)/, 60_000))[1]!;
      const client = await connect(url);
      const changes: number[] = [];
      client.setNotificationHandler('notifications/tools/list_changed', () => void changes.push(Date.now()));

      // Out of the repository: no TSX_TSCONFIG_PATH, modules resolve from the package's node_modules.
      const { TSX_TSCONFIG_PATH: _inRepo, ...env } = process.env;
      const spawnedAt = Date.now();
      const main = CliProcess.node(['-r', require.resolve('tsx/cjs'), 'src/main.ts', '--nats', nats.url], demo, { ...env, DEMO_WRITE_MODE: 'true' }, 'demo main');
      processes.push(main);
      await main.waitForOutput(/"msg":"connector serving"/, 30_000);
      const readyAt = Date.now();
      await waitFor(() => changes.length >= 1, 2000, 'list_changed within 2 s of the plugin being ready');
      const listedAfterMs = changes[0]! - readyAt;
      // Its log line can trail its announcement (asynchronous stderr), so the first figure may be near 0 or below.
      process.stdout.write(`plugin listed ${listedAfterMs} ms after its "connector serving" line, ${changes[0]! - spawnedAt} ms after its process was spawned\n`);
      expect(await toolNames(client)).toEqual(expect.arrayContaining(['demo_list_notes', 'demo_add_note']));
      expect((await client.callTool({ name: 'demo_add_note', arguments: { text: 'over NATS' } })).structuredContent).toEqual({ id: 1 });

      const config = path.join(root, 'distributed.json');
      writeFileSync(config, JSON.stringify({ connectors: { demo: { module: './demo', maxNotes: 5 } } }));
      const viaCli = CliProcess.mcpHub(['connector', 'demo', '--config', config, '--nats', nats.url], {}, 'mcp-hub connector demo', root);
      processes.push(viaCli);
      await viaCli.waitForOutput(/connector serving/, 30_000);

      main.kill('SIGTERM');
      expect((await main.exited()).code).toBe(0);
      expect(main.output).toContain('shutting down');
    } finally {
      await nats.stop();
    }
  }, 120_000);
});
