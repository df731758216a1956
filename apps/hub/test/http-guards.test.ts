import { HubFixture } from './hub-fixture';
import fc from 'fast-check';
import { modernHeaders, send } from './raw-http';

const RPC_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('HTTP front guards', () => {
  let fixture: HubFixture;
  beforeAll(async () => {
    fixture = await new HubFixture().start();
    await fixture.addConnector('echo');
  });
  afterAll(() => fixture.stop());

  const post = (body: string, headers: Record<string, string> = {}) => fetch(fixture.url, { method: 'POST', headers: { ...RPC_HEADERS, ...headers }, body });

  it('answers malformed JSON with a JSON-RPC parse error', async () => {
    const response = await post('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 }, id: null });
  });

  it('refuses a body over the configured cap with 413 before reading it all', async () => {
    const response = await post(JSON.stringify({ ...initialize, padding: 'x'.repeat(70 * 1024) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('65536 bytes') } });
  });

  it('refuses a non-JSON content type with 415', async () => {
    const response = await post(JSON.stringify(initialize), { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
  });

  it('refuses a foreign Origin (DNS rebinding from a browser page) with 403', async () => {
    const response = await post(JSON.stringify(initialize), { origin: 'http://evil.example' });
    expect(response.status).toBe(403);
  });

  it('refuses a foreign Host header with 403', async () => {
    const { request } = await import('node:http');
    const url = new URL(fixture.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: '/mcp', method: 'POST', headers: { ...RPC_HEADERS, host: 'attacker.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify(initialize));
    });
    expect(status).toBe(403);
  });

  it('refuses an initialize whose client description is oversized', async () => {
    const bloated = { ...initialize, params: { ...initialize.params, capabilities: { experimental: { junk: 'x'.repeat(20_000) } } } };
    const response = await post(JSON.stringify(bloated), { 'mcp-protocol-version': '2025-11-25' });
    expect(response.status).toBe(400);
  });

  it('answers a malformed session id with 404 without consulting the store', async () => {
    const response = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), { 'mcp-session-id': 'x:subscriptions', 'mcp-protocol-version': '2025-11-25' });
    expect(response.status).toBe(404);
  });

  it('answers an unknown session id with 404', async () => {
    const response = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), { 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-11-25' });
    expect(response.status).toBe(404);
  });

  it('answers a 2025 request without session or initialize with 400', async () => {
    const response = await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), { 'mcp-protocol-version': '2025-11-25' });
    expect(response.status).toBe(400);
  });

  it('keeps serving after bad input', async () => {
    const client = await fixture.client();
    expect((await client.callTool({ name: 'echo_echo', arguments: { text: 'still here' } })).structuredContent).toEqual({ text: 'still here' });
  });

  it('serves /healthz and /readyz with counts, not connector ids', async () => {
    expect((await fetch(fixture.url.replace('/mcp', '/healthz'))).status).toBe(200);
    const ready = await fetch(fixture.url.replace('/mcp', '/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', connectors: 1 });
  });

  it.each(['/healthz', '/readyz'])('guards %s with the same Host and Origin checks as /mcp', async (path) => {
    expect((await send(fixture.url, { method: 'GET', path, headers: { host: 'attacker.example' } })).status).toBe(403);
    expect((await send(fixture.url, { method: 'GET', path, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await send(fixture.url, { method: 'GET', path, headers: { host: 'evil.com@127.0.0.1' } })).status).toBe(400);
  });

  it('never answers a malformed or hostile Host header with a 500', async () => {
    const hostile = ['evil.com@127.0.0.1', 'user:pw@localhost:1', '127.0.0.1:99999', '127.0.0.1:abc', '[::1', '[zz]', 'localhost/x', 'localhost?x', 'localhost#x', '%6c%6fcalhost', 'x'.repeat(300)];
    const hosts = fc.oneof(
      fc.constantFrom(...hostile),
      fc.string({ unit: 'binary-ascii', maxLength: 40 }),
      fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom('@', ':', '/', '[', ']', '%', '\\'), fc.constantFrom('127.0.0.1', 'localhost', '[::1]')).map((parts) => parts.join('')),
    );
    await fc.assert(
      fc.asyncProperty(hosts, fc.constantFrom('/mcp', '/readyz'), async (host, path) => {
        let status: number;
        try {
          status = (await send(fixture.url, { path, method: path === '/mcp' ? 'POST' : 'GET', body: path === '/mcp' ? initialize : undefined, headers: { host } })).status;
        } catch {
          return; // a header Node itself will not send (control characters)
        }
        expect([200, 400, 403]).toContain(status);
        // Node sends its own Host instead of an empty one; the parser trims the rest.
        const sent = host.trim();
        if (status === 200 && sent !== '') expect(['localhost', '127.0.0.1', '[::1]']).toContain(sent.replace(/:\d+$/, '').toLowerCase());
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
  ])('refuses 100k-deep %s with 400 before anything recurses into them, on both eras', async (_kind, deep) => {
    const big = await new HubFixture().start({ maxBodyBytes: 4 * 1024 * 1024 });
    try {
      const legacy = JSON.stringify(initialize).replace('"capabilities":{}', `"capabilities":{"experimental":${deep}}`);
      const modern = `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":${deep}}}`;
      for (const [body, headers] of [[legacy, {}], [modern, modernHeaders('tools/list')]] as const) {
        const response = await send(big.url, { body, headers });
        expect(response.status).toBe(400);
        expect(response.messages[0]).toMatchObject({ error: { code: -32600, message: expect.stringMatching(/deeper than 64 levels/) } });
      }
      // Depth 64 itself is fine, and brackets inside strings do not count.
      const sixtyDeep = JSON.parse('{"a":'.repeat(60) + '1' + '}'.repeat(60));
      const ok = { ...initialize, params: { ...initialize.params, capabilities: { experimental: { x: sixtyDeep } }, clientInfo: { name: '[{'.repeat(1000), version: '1' } } };
      const accepted = await send(big.url, { body: ok });
      expect(accepted.text).toMatch(/"result"/);
    } finally {
      await big.stop();
    }
  });

  it('answers other paths with 404', async () => {
    expect((await fetch(fixture.url.replace('/mcp', '/admin'))).status).toBe(404);
  });
});
