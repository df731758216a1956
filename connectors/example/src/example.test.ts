import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveConnectorConfig } from '@mcp-hub/connector-kit';
import pino from 'pino';
import { ConnectorHarness, toolTable, toolTableInReadme } from '@mcp-hub/connector-kit/testing';
import { connectorModule, exampleConnector } from './index';

/** A local stand-in for jsonplaceholder.typicode.com, speaking its wire format. */
function fakePostsApi(): Promise<{ server: Server; url: string; requests: string[] }> {
  const posts = [1, 2, 3].map((id) => ({ userId: id === 3 ? 2 : 1, id, title: `post ${id}`, body: `body ${id}` }));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    if (url.pathname.startsWith('/broken/')) return send(503, {});
    if (req.method === 'GET' && url.pathname === '/posts') {
      const user = url.searchParams.get('userId');
      return send(200, posts.filter((p) => !user || p.userId === Number(user)).slice(0, Number(url.searchParams.get('_limit') ?? 100)));
    }
    if (req.method === 'POST' && url.pathname === '/posts') {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => send(201, { ...JSON.parse(text), id: 101 }));
      return;
    }
    send(404, {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests })));
}

describe('example connector (JSONPlaceholder-style posts)', () => {
  let api: Awaited<ReturnType<typeof fakePostsApi>>;
  let harness: ConnectorHarness<unknown>;
  /** The connector as its module builds it (deps and all) against `baseUrl`. */
  const start = async (baseUrl: string) => {
    const built = await connectorModule.create({ baseUrl }, pino({ level: 'silent' }));
    return ConnectorHarness.start(exampleConnector, built.deps) as Promise<ConnectorHarness<unknown>>;
  };
  beforeAll(async () => {
    api = await fakePostsApi();
    harness = await start(api.url);
  });
  afterAll(async () => {
    await harness.stop();
    api.server.close();
  });

  it('lists one user\'s posts, marked untrusted, with the API\'s query parameters', async () => {
    const result = await harness.callTool('list_posts', { user_id: 2, limit: 5 });
    expect(result.structuredContent).toEqual({ posts: [{ id: 3, user_id: 2, title: 'post 3', body: 'body 3', untrusted: true, source: 'example:post:3' }] });
    expect(api.requests).toContain('GET /posts?_limit=5&userId=2');
  });

  it('publishes a post and returns what the API made of it', async () => {
    const result = await harness.callTool('create_post', { user_id: 1, title: 'Hello', body: 'World' });
    expect(result.structuredContent).toMatchObject({ post: { id: 101, user_id: 1, title: 'Hello' } });
  });

  it('turns an upstream failure into a tool error', async () => {
    const broken = await start(`${api.url}/broken`);
    // The kit's UpstreamHttp tried again (503 is transient), then gave up with the upstream's status.
    await expect(broken.callTool('list_posts', {})).rejects.toMatchObject({ reply: { kind: 'upstream', message: expect.stringContaining('The posts API') } });
    expect(api.requests.filter((r) => r.startsWith('GET /broken/posts')).length).toBeGreaterThan(1);
    await broken.stop();
  });

  it('reads the API address from EXAMPLE_BASE_URL and refuses one that is not a URL', () => {
    expect(resolveConnectorConfig(connectorModule, { embedded: false, dataDir: '', env: {} }).settings.baseUrl).toBe('https://jsonplaceholder.typicode.com');
    expect(() => resolveConnectorConfig(connectorModule, { embedded: false, dataDir: '', env: { EXAMPLE_BASE_URL: 'nope' } })).toThrow('connectors.example.baseUrl');
  });

  it('lists its tools in the README', () => {
    expect(toolTableInReadme(readFileSync(path.join(__dirname, '../README.md'), 'utf8'))).toBe(toolTable(exampleConnector));
  });
});
