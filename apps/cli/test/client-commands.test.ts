import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { freePort } from '@mcp-hub/bus/testing';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createEchoConnector, type EchoDeps } from '@mcp-hub/connector-kit/testing';
import { HttpFront, Hub } from '@mcp-hub/hub';
import { runCall } from '../src/commands/call';
import { runToolsList } from '../src/commands/tools';
import { CommandFailure, ExitCode } from '../src/exit-codes';
import { repoRoot } from './support/cli-process';

const run = promisify(execFile);
const silent = pino({ level: 'silent' });
const TOKEN = 'cli-test-token-5f0c1e';

/** Collects what a command writes to its output stream. */
function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

/** `bin/mcp-hub <args>` as a script runs it: exit code, stdout and stderr. */
async function mcpHub(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(repoRoot, 'bin/mcp-hub'), ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** `mcp-hub tools list` and `mcp-hub call` against a running hub (in this process) with the echo connector. */
describe('client commands against a running hub', () => {
  const bus = new InProcessBus();
  let hub: Hub;
  let front: HttpFront;
  let connector: ConnectorService<EchoDeps>;
  let url: string;

  beforeAll(async () => {
    hub = new Hub({ bus, hubId: 'cli-test', logger: silent, callTimeoutMs: 10_000 });
    await hub.start();
    front = new HttpFront({
      hub,
      logger: silent,
      identity: { name: 'test-hub', version: '0.0.0' },
      principalFor: () => ({ id: 'tester', scopes: ['*'] }),
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 64 * 1024,
      maxSessions: 50,
      allowedHosts: ['localhost', '127.0.0.1'],
      allowedOrigins: ['localhost', '127.0.0.1'],
      sessionIdleMs: 60_000,
    });
    url = await front.listen();
    connector = await runConnector<EchoDeps>(createEchoConnector('echo'), { bus, deps: { aborted: [] }, logger: silent, heartbeatMs: 500 });
    for (let i = 0; i < 100 && hub.inventory.tools().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(async () => {
    await connector.stop();
    await front.close();
    hub.stop();
    await bus.close();
  });

  it('tools list prints every tool with its write marks, and --json the tools as sent', async () => {
    const plain = sink();
    await runToolsList({ url }, plain.stream);
    expect(plain.text()).toMatch(/^echo_echo\s+\S/m);
    expect(plain.text()).toMatch(/^echo_touch\s.*\[write/m);
    const json = sink();
    await runToolsList({ url, json: true }, json.stream);
    const tools = JSON.parse(json.text()) as { name: string; inputSchema: unknown }[];
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo_echo', 'echo_slow', 'echo_fail']));
    expect(plain.text()).toContain(`${tools.length} tools`);
  });

  it('the token goes in Authorization: Bearer, and a refusal names the hub without the token (exit 3)', async () => {
    const seen: (string | undefined)[] = [];
    const refusing = createServer((request, response) => {
      seen.push(request.headers.authorization);
      response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid_token', echoed: request.headers.authorization }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    try {
      const port = (refusing.address() as AddressInfo).port;
      const failure = await runToolsList({ url: `http://127.0.0.1:${port}/mcp`, token: TOKEN }, sink().stream).catch((e: unknown) => e);
      expect(failure).toMatchObject({ exitCode: ExitCode.hubUnreachable });
      expect((failure as Error).message).not.toContain(TOKEN);
      expect(seen[0]).toBe(`Bearer ${TOKEN}`);
    } finally {
      refusing.close();
    }
  });

  it('call prints the text result and exits 0; an error result exits 1; --json prints structuredContent', async () => {
    const ok = sink();
    expect(await runCall('echo_echo', { url, args: '{"text":"hello there"}' }, ok.stream)).toBe(ExitCode.ok);
    expect(ok.text()).toContain('hello there');
    const failed = sink();
    expect(await runCall('echo_fail', { url, args: '{"kind":"not_found"}', json: true }, failed.stream)).toBe(ExitCode.toolError);
    expect(JSON.parse(failed.text())).toMatchObject({ isError: true });
    const slow = sink();
    const progress = sink();
    expect(await runCall('echo_slow', { url, args: '{"steps":2,"step_ms":5}', json: true }, slow.stream, progress.stream)).toBe(ExitCode.ok);
    expect(JSON.parse(slow.text())).toMatchObject({ structuredContent: { completed: 2 } });
    expect(progress.text()).toBe('progress 1/2 step 1 of 2\nprogress 2/2 step 2 of 2\n');
  });

  it('call refuses arguments that are not a JSON object before connecting (usage, exit 2)', async () => {
    for (const args of ['{x', '[1]', '"text"']) {
      await expect(runCall('echo_echo', { url: 'http://127.0.0.1:9/mcp', args }, sink().stream)).rejects.toMatchObject({ exitCode: ExitCode.usage });
    }
  });

  it('an unknown tool and an unreachable hub are exit 3 with the reason', async () => {
    await expect(runCall('echo_nope', { url }, sink().stream)).rejects.toThrow(/echo_nope/);
    const port = await freePort();
    const failure = await runToolsList({ url: `http://127.0.0.1:${port}/mcp` }, sink().stream).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CommandFailure);
    expect(failure).toMatchObject({ exitCode: ExitCode.hubUnreachable, message: expect.stringContaining(`127.0.0.1:${port}`) });
  });

  it('the binary maps outcomes to the documented exit codes and shows progress on stderr', async () => {
    const slow = await mcpHub(['call', 'echo_slow', '--args', '{"steps":3,"step_ms":20}', '--url', url]);
    expect(slow).toMatchObject({ code: 0, stdout: 'completed 3 steps\n' });
    expect(slow.stderr).toContain('progress 3/3 step 3 of 3');
    expect((await mcpHub(['call', 'echo_fail', '--args', '{"kind":"conflict"}', '--url', url])).code).toBe(1);
    const usage = await mcpHub(['call', 'echo_echo', '--args', '{oops', '--url', url]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^mcp-hub: --args is not valid JSON/);
    const down = await mcpHub(['tools', 'list'], { MCP_HUB_URL: `http://127.0.0.1:${await freePort()}/mcp`, MCP_HUB_TOKEN: TOKEN });
    expect(down.code).toBe(3);
    expect(down.stderr).not.toContain(TOKEN);
  }, 60_000);
});
