import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { freePort, waitForPort } from '@mcp-hub/bus/testing';
import { BridgeFixture, serverEverything, textOf } from './support/bridge-fixture';

/**
 * @modelcontextprotocol/server-everything in its Streamable HTTP mode behind the bridge, through
 * a small proxy that records the headers the bridge sends and can make the upstream forget its
 * sessions (404, as the spec says a server does; server-everything itself answers 400).
 */
describe('bridge to server-everything over Streamable HTTP', () => {
  let fixture: BridgeFixture;
  let upstream: ChildProcess;
  let proxy: http.Server;
  const authorizations: string[] = [];
  const seen = new Set<string>();
  const forgotten = new Set<string>();
  let notFound = 0;
  let refuseCredentials = false;

  beforeAll(async () => {
    const upstreamPort = await freePort();
    upstream = spawn(process.execPath, [serverEverything, 'streamableHttp'], { env: { ...process.env, PORT: String(upstreamPort) }, stdio: 'ignore' });
    await waitForPort(upstreamPort, 15_000);
    proxy = http.createServer((request, response) => {
      authorizations.push(String(request.headers['authorization'] ?? ''));
      if (refuseCredentials) {
        response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' }).end('{"error":"invalid_token"}');
        return;
      }
      const session = request.headers['mcp-session-id'];
      if (typeof session === 'string') seen.add(session);
      if (typeof session === 'string' && forgotten.has(session)) {
        notFound++;
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
        return;
      }
      const forward = http.request({ host: '127.0.0.1', port: upstreamPort, path: request.url, method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      request.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/mcp`;
    fixture = await new BridgeFixture().start();
    // The bridge reads the token from its process's environment, as a deployment sets it.
    process.env['BRIDGE_TEST_EVERYTHING_TOKEN'] = 'tok-3f9a1c77e2';
    await fixture.bridge('everything', { upstream: { transport: 'http', url, bearerTokenEnv: 'BRIDGE_TEST_EVERYTHING_TOKEN', headers: { 'X-Team': 'support' } } });
  }, 30_000);
  afterAll(async () => {
    delete process.env['BRIDGE_TEST_EVERYTHING_TOKEN'];
    await fixture.stop();
    proxy.closeAllConnections();
    proxy.close();
    upstream.kill();
  });

  it('lists and calls through the hub, sending the bearer token from the environment', async () => {
    const client = await fixture.client();
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('everything_get_sum');
    expect(textOf(await client.callTool({ name: 'everything_get_sum', arguments: { a: 20, b: 22 } }))).toContain('42');
    expect(authorizations.length).toBeGreaterThan(0);
    expect(authorizations.every((a) => a === 'Bearer tok-3f9a1c77e2')).toBe(true);
  });

  it('initializes again when the upstream forgets the session (404), and the call still succeeds', async () => {
    const client = await fixture.client();
    // Requests on every session so far get 404 from now on; a new initialize carries no session id.
    for (const session of seen) forgotten.add(session);
    const before = notFound;
    const result = await client.callTool({ name: 'everything_get_sum', arguments: { a: 1, b: 2 } });
    expect(notFound).toBeGreaterThan(before);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('3');
    expect(fixture.logs.some((l) => String(l['msg']).includes('forgot the session (HTTP 404)'))).toBe(true);
  });

  it('an upstream that refuses the credentials (401): an unauthorized tool error naming no secret', async () => {
    const client = await fixture.client();
    refuseCredentials = true;
    try {
      const result = await client.callTool({ name: 'everything_get_sum', arguments: { a: 1, b: 1 } });
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result)).not.toContain('tok-3f9a1c77e2');
      expect(fixture.logs.some((l) => JSON.stringify(l).includes('tok-3f9a1c77e2'))).toBe(false);
      expect(textOf(result)).toBe("The upstream MCP server refused the bridge's credentials (HTTP 401); an operator must fix the connector's configuration.");
    } finally {
      refuseCredentials = false;
    }
  });
});
