import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort, RedisServerProcess } from '@mcp-hub/bus/testing';
import { CliProcess } from './support/cli-process';

/** Authentication as an operator sets it up: a key file, a configuration, `mcp-hub token create`, a client with the token. */
describe('mcp-hub with hub-minted tokens', () => {
  let dir: string;
  let keyFile: string;
  const running: CliProcess[] = [];
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mcp-hub-auth-'));
    keyFile = path.join(dir, 'hub-token.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
  });
  afterEach(async () => {
    for (const p of running.splice(0)) {
      p.kill();
      await p.exited().catch(() => undefined);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function configFile(port: number, extra: Record<string, unknown> = {}): string {
    const file = path.join(dir, `hub-${port}.json`);
    writeFileSync(file, JSON.stringify({ http: { port }, auth: { hubTokens: { keyFile, maxTtlMinutes: 30 } }, ...extra }));
    return file;
  }

  async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string; stdout: string }> {
    const p = CliProcess.mcpHub(args, env);
    let stdout = '';
    p.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    const { code } = await p.exited(60_000);
    return { code, output: p.output, stdout };
  }

  it('refuses to serve beyond loopback without authentication, and says how to proceed', async () => {
    const { code, output } = await run(['start', '--host', '0.0.0.0', '--port', String(await freePort()), '--data-dir', dir]);
    expect(code).toBe(1);
    expect(output).toContain('refusing to serve 0.0.0.0');
    expect(output).toContain('--insecure-no-auth');
  }, 60_000);

  it('token create mints within the maximum TTL only', async () => {
    const config = configFile(await freePort());
    const tooLong = await run(['token', 'create', '--principal', 'ci', '--scopes', 'a', '--ttl', '2h', '--config', config]);
    expect(tooLong.code).toBe(1);
    expect(tooLong.output).toContain('exceeds the maximum of 30 min');
    const ok = await run(['token', 'create', '--principal', 'ci', '--scopes', 'a,b', '--ttl', '15m', '--config', config]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(ok.output).toMatch(/token id [0-9a-f-]{36} for ci, expires/);
  }, 60_000);

  it('the embedded hub serves a minted token, refuses no token, and its connectors verify the signed principal', async () => {
    const port = await freePort();
    const config = configFile(port);
    const hub = CliProcess.mcpHub(['start', '--config', config, '--data-dir', dir]);
    running.push(hub);
    await hub.waitForOutput(/serving http:\/\/127\.0\.0\.1:\d+\/mcp/, 60_000);
    const url = new URL(`http://127.0.0.1:${port}/mcp`);
    const unauthenticated = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('www-authenticate')).toContain(`resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp"`);

    const minted = await run(['token', 'create', '--principal', 'pat', '--scopes', 'tickets', '--ttl', '5m', '--config', config]);
    const token = minted.stdout.trim();
    const client = new Client({ name: 'auth-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(url, { authProvider: { token: async () => token } }));
    const tickets = await client.callTool({ name: 'helpdesk_search_tickets', arguments: {} });
    expect(tickets.isError).toBeFalsy();
    await client.close();
  }, 90_000);

  it('token revoke reaches a hub through the shared Redis list', async () => {
    const redis = await RedisServerProcess.start();
    try {
      const port = await freePort();
      const config = configFile(port);
      const env = { REDIS_URL: redis.url };
      const hub = CliProcess.mcpHub(['start', '--config', config, '--data-dir', dir], env);
      running.push(hub);
      await hub.waitForOutput(/serving http:\/\//, 60_000);
      const token = (await run(['token', 'create', '--principal', 'pat', '--ttl', '5m', '--config', config])).stdout.trim();
      const init = () =>
        fetch(`http://127.0.0.1:${port}/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
        });
      expect((await init()).status).toBe(200);
      const revoked = await run(['token', 'revoke', token, '--config', config], env);
      expect(revoked.code).toBe(0);
      expect((await init()).status).toBe(401);
    } finally {
      await redis.stop();
    }
  }, 120_000);
});
