import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { CliProcess } from './support/cli-process';
import { fakeUpstream, serverFilesystem, textOf } from './support/bridge-fixture';
import { waitFor } from './support/wait-for';

/**
 * The operator's few lines of configuration: `mcp-hub connector bridge` (built in) and a second
 * bridge under its own id through `module`, each its own process over NATS, in front of a hub that
 * reads `connectors.<id>.prefix` from the same file.
 */
describe('mcp-hub connector bridge', () => {
  let folder: string;
  let nats: NatsServerProcess;
  const processes: CliProcess[] = [];
  let client: Client | undefined;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'bridge-cli-'));
    writeFileSync(path.join(folder, 'hello.txt'), 'hello from the folder');
    nats = await NatsServerProcess.start();
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    for (const p of processes) p.kill();
    await Promise.all(processes.map((p) => p.exited().catch(() => undefined)));
    await nats.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs the built-in bridge and a module bridge under its own id, with the prefix the hub configures', async () => {
    const config = path.join(folder, 'hub.json');
    writeFileSync(
      config,
      JSON.stringify({
        connectors: {
          bridge: { prefix: '', upstream: { transport: 'stdio', command: process.execPath, args: [serverFilesystem, folder] } },
          fake: { module: '@mcp-hub/connector-bridge', upstream: { transport: 'stdio', command: process.execPath, args: [fakeUpstream] } },
        },
      }),
    );
    const port = await freePort();
    const hub = CliProcess.mcpHub(['hub', '--port', String(port), '--nats', nats.url, '--config', config], {}, 'hub');
    processes.push(hub);
    const url = (await hub.waitForOutput(/MCP hub serving (http:\/\/\S+)/, 60_000))[1]!;
    for (const id of ['bridge', 'fake']) {
      const connector = CliProcess.mcpHub(['connector', id, '--nats', nats.url, '--config', config], {}, id);
      processes.push(connector);
      await connector.waitForOutput(/"msg":"connector serving"/, 60_000);
    }
    client = new Client({ name: 'bridge-cli-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    await waitFor(async () => (await client!.listTools()).tools.some((t) => t.name === 'fake_echo'), 5000, 'both bridges listed');
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['read_text_file', 'list_directory', 'fake_echo']));
    expect(names.some((n) => n.startsWith('bridge_'))).toBe(false);
    expect(textOf(await client.callTool({ name: 'read_text_file', arguments: { path: path.join(folder, 'hello.txt') } }))).toBe('hello from the folder');
    expect(textOf(await client.callTool({ name: 'fake_echo', arguments: { message: 'via module' } }))).toBe('via module');
  }, 120_000);
});
