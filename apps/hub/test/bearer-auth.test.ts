import { generateKeyPairSync } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort, RedisServerProcess } from '@mcp-hub/bus/testing';
import { InProcessBus } from '@mcp-hub/bus';
import { BearerAuthenticator } from '../src/auth/bearer-authenticator';
import { HubTokenSigner } from '../src/auth/hub-token-signer';
import { InMemoryRevocationList } from '../src/auth/revocation-list';
import { RedisRevocationList } from '../src/auth/redis-revocation-list';
import { protectedResourceMetadata } from '../src/auth/protected-resource-metadata';
import type { HttpAuth } from '../src/http/http-auth';
import { RedisSessionStore } from '../src/sessions/redis-session-store';
import { HubFixture, silent } from './hub-fixture';
import { initialize, MODERN_META, modernHeaders, openStream, send } from './raw-http';
import { TestIssuer } from './test-issuer';

const ISSUER = 'https://idp.test';

function httpAuth(resource: string, issuer: TestIssuer, extra: Partial<ConstructorParameters<typeof BearerAuthenticator>[0]> = {}): HttpAuth {
  const authenticator = new BearerAuthenticator({
    resource,
    issuers: [{ issuer: ISSUER, jwksUrl: issuer.jwksUrl, rolesClaim: 'roles' }],
    requiredScopes: ['mcp'],
    clockToleranceSeconds: 0,
    jwksCooldownMs: 200,
    ...extra,
  });
  return { authenticator, resource, metadata: protectedResourceMetadata(resource, [ISSUER], ['mcp']) };
}

/** A hub on a port known in advance, so its resource URL (the tokens' audience) is real. */
async function authedHub(issuer: TestIssuer, extra: Partial<ConstructorParameters<typeof BearerAuthenticator>[0]> = {}, bus = new InProcessBus(), store?: RedisSessionStore) {
  const port = await freePort();
  const resource = `http://127.0.0.1:${port}/mcp`;
  const fixture = await new HubFixture(bus).start({ port, auth: httpAuth(resource, issuer, extra), ...(store && { sessionStore: store }) });
  return { fixture, resource };
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

/** An SDK client whose bearer token the test may change between requests. */
async function clientWith(url: string, token: { current: string }): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: { token: async () => token.current } });
  const client = new Client({ name: 'auth-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

describe('bearer authentication on /mcp', () => {
  let issuer: TestIssuer;
  let fixture: HubFixture;
  let resource: string;

  beforeAll(async () => {
    issuer = await TestIssuer.start(ISSUER, 'placeholder');
    ({ fixture, resource } = await authedHub(issuer));
    (issuer as { audience: string }).audience = resource;
    await fixture.addConnector();
  });
  afterAll(async () => {
    await fixture.stop();
    await issuer.stop();
  });

  it('answers a request without a token with 401 and a challenge naming the resource metadata', async () => {
    const response = await send(fixture.url, { body: initialize() });
    expect(response.status).toBe(401);
    const challenge = String(response.headers['www-authenticate']);
    expect(challenge).toBe(`Bearer resource_metadata="http://127.0.0.1:${new URL(resource).port}/.well-known/oauth-protected-resource/mcp"`);
  });

  it('serves the protected resource metadata (RFC 9728) at both well-known paths', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const response = await send(fixture.url, { method: 'GET', path });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toEqual({ resource, authorization_servers: [ISSUER], scopes_supported: ['mcp'], bearer_methods_supported: ['header'], resource_name: 'MCP hub' });
    }
  });

  it('serves a valid token, and the connector sees the token\'s principal, not the configured one', async () => {
    const { client } = await clientWith(fixture.url, { current: await issuer.token({ sub: 'alice', scope: 'mcp extra', roles: ['support'] }) });
    const result = await client.callTool({ name: 'echo_whoami', arguments: {} });
    expect(result.structuredContent).toEqual({ id: 'alice', scopes: ['mcp', 'extra'], roles: ['support'] });
    await client.close();
  });

  it('never passes the client\'s token on to the connector, in headers or body', async () => {
    const token = await issuer.token({ sub: 'erin', scope: 'mcp' });
    const seen: string[] = [];
    const spy = fixture.bus.subscribe('mcphub.v2.echo.>', (message) => void seen.push(JSON.stringify(message.headers) + new TextDecoder().decode(message.data)));
    const { client } = await clientWith(fixture.url, { current: token });
    await client.callTool({ name: 'echo_echo', arguments: { text: 'hi' } });
    await client.readResource({ uri: 'echo://status' });
    await client.close();
    spy.unsubscribe();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const signature = token.split('.')[2]!;
    for (const message of seen) expect(message).not.toContain(signature);
  });

  it('authenticates 2026-era (sessionless) requests the same way', async () => {
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: MODERN_META } };
    expect((await send(fixture.url, { body: list, headers: modernHeaders('tools/list') })).status).toBe(401);
    const expired = await send(fixture.url, { body: list, headers: { ...modernHeaders('tools/list'), ...bearer(await issuer.token({ expiresIn: -30 })) } });
    expect(expired.status).toBe(401);
    const served = await send(fixture.url, { body: list, headers: { ...modernHeaders('tools/list'), ...bearer(await issuer.token()) } });
    expect(served.status).toBe(200);
    expect(served.messages[0]?.result?.tools.map((t: { name: string }) => t.name)).toContain('echo_whoami');
  });

  const tampered: Array<[string, () => Promise<string>, string]> = [
    ['alg none', async () => issuer.unsignedToken(), 'algorithm'],
    ['a key the issuer never published', () => issuer.tokenWithForeignKey(), 'signature'],
    ['a wrong audience', () => issuer.token({ aud: 'https://some-other-api.test' }), 'audience'],
    ['a token for another resource of the same host', () => issuer.token({ aud: 'http://127.0.0.1:1/mcp' }), 'audience'],
    ['an expired token', () => issuer.token({ expiresIn: -60 }), 'expired'],
    ['a token not yet valid', () => issuer.token({ notBefore: 120 }), 'not valid yet'],
    ['a wrong issuer', () => issuer.token({ iss: 'https://evil.test' }), 'not issued by'],
  ];
  it.each(tampered)('refuses %s with 401 invalid_token', async (_what, make, reason) => {
    const response = await send(fixture.url, { body: initialize(), headers: bearer(await make()) });
    expect(response.status).toBe(401);
    const challenge = String(response.headers['www-authenticate']);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain('resource_metadata=');
    expect(challenge.toLowerCase()).toContain(reason);
  });

  it('refuses a malformed Authorization header with 401 invalid_request', async () => {
    const response = await send(fixture.url, { body: initialize(), headers: { authorization: 'Basic YWxpY2U6cHc=' } });
    expect(response.status).toBe(401);
    expect(String(response.headers['www-authenticate'])).toContain('error="invalid_request"');
  });

  it('answers a valid token without the required scope with 403 insufficient_scope', async () => {
    const response = await send(fixture.url, { body: initialize(), headers: bearer(await issuer.token({ scope: 'other' })) });
    expect(response.status).toBe(403);
    const challenge = String(response.headers['www-authenticate']);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp"');
  });

  it('checks the token on every request: a session outlives its token only with a fresh one', async () => {
    const token = { current: await issuer.token({ sub: 'bob', expiresIn: 2 }) };
    const { client, transport } = await clientWith(fixture.url, token);
    await client.listTools();
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await expect(client.listTools()).rejects.toThrow();
    token.current = await issuer.token({ sub: 'bob' });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(transport.sessionId).toBeDefined();
    await client.close();
  });

  it('ends a GET stream when its token expires', async () => {
    const token = await issuer.token({ sub: 'carol', expiresIn: 2 });
    const opened = await send(fixture.url, { body: initialize(), headers: bearer(token) });
    const sessionId = String(opened.headers['mcp-session-id']);
    const stream = await openStream(fixture.url, { method: 'GET', headers: { ...bearer(token), 'mcp-session-id': sessionId, accept: 'text/event-stream', 'mcp-protocol-version': '2025-11-25' } });
    expect(stream.status).toBe(200);
    const started = Date.now();
    await stream.closed;
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('answers 404 to another principal presenting a session id it did not open', async () => {
    const alice = await issuer.token({ sub: 'alice' });
    const opened = await send(fixture.url, { body: initialize(), headers: bearer(alice) });
    const sessionId = String(opened.headers['mcp-session-id']);
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const headers = (token: string) => ({ ...bearer(token), 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' });
    const hijack = await send(fixture.url, { body: list, headers: headers(await issuer.token({ sub: 'mallory' })) });
    expect(hijack.status).toBe(404);
    const own = await send(fixture.url, { body: list, headers: headers(alice) });
    expect(own.status).toBe(200);
    const deleteByOther = await send(fixture.url, { method: 'DELETE', headers: headers(await issuer.token({ sub: 'mallory' })) });
    expect(deleteByOther.status).toBe(404);
  });

  it('accepts tokens signed with a rotated key: the JWKS is fetched again for an unknown key id', async () => {
    await new Promise((resolve) => setTimeout(resolve, 250)); // past the refetch cooldown
    const before = issuer.jwksFetches;
    await issuer.rotate();
    const response = await send(fixture.url, { body: initialize(), headers: bearer(await issuer.token()) });
    expect(response.status).toBe(200);
    expect(issuer.jwksFetches).toBe(before + 1);
  });
});

describe('hub-minted tokens and revocation', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const privateKeyPem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  let fixture: HubFixture;
  let signer: HubTokenSigner;
  const revocations = new InMemoryRevocationList();

  beforeAll(async () => {
    const port = await freePort();
    const resource = `http://127.0.0.1:${port}/mcp`;
    signer = new HubTokenSigner({ privateKeyPem, issuer: resource, audience: resource, maxTtlMs: 15 * 60_000 });
    const authenticator = new BearerAuthenticator({
      resource,
      issuers: [{ issuer: resource, keys: [(await signer.publicJwk()) as never], algorithms: ['EdDSA'], rolesClaim: 'roles' }],
      revocations,
      lifetimeLimit: { issuer: resource, maxMs: signer.maxTtlMs },
    });
    fixture = await new HubFixture().start({ port, auth: { authenticator, resource, metadata: protectedResourceMetadata(resource, [resource], []) } });
    await fixture.addConnector();
  });
  afterAll(() => fixture.stop());

  it('serves a minted token until it is revoked', async () => {
    const minted = await signer.mint({ id: 'ci-bot', scopes: ['tickets:read'] }, 5 * 60_000);
    const { client } = await clientWith(fixture.url, { current: minted.token });
    expect((await client.callTool({ name: 'echo_whoami', arguments: {} })).structuredContent).toEqual({ id: 'ci-bot', scopes: ['tickets:read'] });
    await revocations.revoke(minted.tokenId, minted.expiresAt);
    await expect(client.listTools()).rejects.toThrow();
    const response = await send(fixture.url, { body: initialize(), headers: bearer(minted.token) });
    expect(response.status).toBe(401);
    expect(String(response.headers['www-authenticate'])).toContain('revoked');
  });

  it('refuses to mint beyond the maximum TTL, and refuses a token whose own lifetime exceeds it', async () => {
    await expect(signer.mint({ id: 'x', scopes: [] }, 16 * 60_000)).rejects.toThrow(RangeError);
    const longLived = new HubTokenSigner({ privateKeyPem, issuer: signer.issuer, audience: signer.issuer, maxTtlMs: 24 * 3600_000 });
    const minted = await longLived.mint({ id: 'x', scopes: [] }, 2 * 3600_000);
    const response = await send(fixture.url, { body: initialize(), headers: bearer(minted.token) });
    expect(response.status).toBe(401);
    expect(String(response.headers['www-authenticate'])).toContain('longer than this hub allows');
  });
});

describe('sessions bound to principals across hub replicas', () => {
  let redis: RedisServerProcess;
  let issuer: TestIssuer;
  const fixtures: HubFixture[] = [];
  const stores: RedisSessionStore[] = [];
  let revocations: RedisRevocationList;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    issuer = await TestIssuer.start(ISSUER, 'https://hub.test/mcp');
    revocations = new RedisRevocationList({ url: redis.url, keyPrefix: `test:${process.pid}:` });
    for (let i = 0; i < 2; i++) {
      const store = await RedisSessionStore.connect({ url: redis.url, ttlMs: 60_000, logger: silent });
      stores.push(store);
      const resource = 'https://hub.test/mcp'; // the public URL both replicas serve behind a balancer
      const authenticator = new BearerAuthenticator({ resource, issuers: [{ issuer: ISSUER, keys: issuer.publicKeys() as never, rolesClaim: 'roles' }], revocations });
      fixtures.push(await new HubFixture().start({ sessionStore: store, auth: { authenticator, resource, metadata: protectedResourceMetadata(resource, [ISSUER], []) } }));
    }
  });
  afterAll(async () => {
    for (const f of fixtures) await f.stop();
    for (const s of stores) await s.close();
    await revocations.close();
    await issuer.stop();
    await redis.stop();
  });

  it('another principal gets 404 on the replica that did not open the session; the owner is served there', async () => {
    const [a, b] = fixtures as [HubFixture, HubFixture];
    const alice = await issuer.token({ sub: 'alice' });
    const opened = await send(a.url, { body: initialize(), headers: bearer(alice) });
    expect(opened.status).toBe(200);
    const sessionId = String(opened.headers['mcp-session-id']);
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const headers = (token: string) => ({ ...bearer(token), 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' });
    expect((await send(b.url, { body: list, headers: headers(await issuer.token({ sub: 'mallory' })) })).status).toBe(404);
    expect((await send(b.url, { body: list, headers: headers(alice) })).status).toBe(200);
    // Once held by replica b, still refused there.
    expect((await send(b.url, { body: list, headers: headers(await issuer.token({ sub: 'mallory' })) })).status).toBe(404);
  });

  it('a token revoked through one replica\'s list is refused by both', async () => {
    const jti = `jti-${process.pid}-${Date.now()}`;
    const token = await issuer.token({ sub: 'dave', jti });
    for (const f of fixtures) expect((await send(f.url, { body: initialize(), headers: bearer(token) })).status).toBe(200);
    await revocations.revoke(jti, Date.now() + 300_000);
    for (const f of fixtures) expect((await send(f.url, { body: initialize(), headers: bearer(token) })).status).toBe(401);
  });
});
