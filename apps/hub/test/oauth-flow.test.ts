import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client, ClientCredentialsProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort } from '@mcp-hub/bus/testing';
import { BearerAuthenticator } from '../src/auth/bearer-authenticator';
import { protectedResourceMetadata } from '../src/auth/protected-resource-metadata';
import { HubFixture } from './hub-fixture';

const CLIENT = { id: 'support-agent', secret: 'a-long-test-secret-0123456789' };

/**
 * The full OAuth flow against a real authorization server (oidc-provider, in a process of its
 * own): the SDK client gets 401 with the resource metadata URL, reads the metadata, discovers
 * the authorization server, gets a token for the hub's resource (client_credentials, RFC 8707
 * `resource`), and calls a tool with it.
 */
describe('OAuth 2.1 against a real authorization server', () => {
  let provider: ChildProcess;
  let fixture: HubFixture;
  let issuer: string;

  beforeAll(async () => {
    const [asPort, hubPort] = [await freePort(), await freePort()];
    const resource = `http://127.0.0.1:${hubPort}/mcp`;
    provider = spawn(process.execPath, [path.join(__dirname, 'fixtures/oidc-provider-server.mjs')], {
      env: { ...process.env, PORT: String(asPort), RESOURCE: resource, CLIENT_ID: CLIENT.id, CLIENT_SECRET: CLIENT.secret, SCOPE: 'mcp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    issuer = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`oidc-provider did not start:\n${output}`)), 20_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /ready (\S+)/.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1]!);
        }
      };
      provider.stdout!.on('data', onData);
      provider.stderr!.on('data', onData);
      provider.once('exit', (code) => reject(new Error(`oidc-provider exited (${code}):\n${output}`)));
    });
    const authenticator = new BearerAuthenticator({ resource, issuers: [{ issuer, jwksUrl: `${issuer}/jwks`, rolesClaim: 'roles' }], requiredScopes: ['mcp'] });
    fixture = await new HubFixture().start({ port: hubPort, auth: { authenticator, resource, metadata: protectedResourceMetadata(resource, [issuer], ['mcp']) } });
    await fixture.addConnector();
  }, 30_000);

  afterAll(async () => {
    await fixture?.stop();
    provider?.kill();
  });

  it('an SDK client discovers the server through the 401, gets a token for the hub, and calls a tool as its client id', async () => {
    const seen: string[] = [];
    const transport = new StreamableHTTPClientTransport(new URL(fixture.url), {
      authProvider: new ClientCredentialsProvider({ clientId: CLIENT.id, clientSecret: CLIENT.secret, scope: 'mcp', expectedIssuer: issuer }),
      fetch: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        const response = await fetch(input, init);
        seen.push(`${init?.method ?? 'GET'} ${url.origin === new URL(issuer).origin ? 'AS' : 'hub'}${url.pathname} ${response.status}`);
        return response;
      },
    });
    const client = new Client({ name: 'oauth-client', version: '1.0.0' });
    await client.connect(transport);
    const result = await client.callTool({ name: 'echo_whoami', arguments: {} });
    expect(result.structuredContent).toEqual({ id: CLIENT.id, scopes: ['mcp'] });
    await client.close();
    // The flow, in order: refused, resource metadata, authorization server metadata, token, retried.
    expect(seen[0]).toBe('POST hub/mcp 401');
    const metadataAt = seen.findIndex((line) => line.startsWith('GET hub/.well-known/oauth-protected-resource') && line.endsWith('200'));
    const asMetadataAt = seen.findIndex((line) => /^GET AS\/\.well-known\/(oauth-authorization-server|openid-configuration)\S* 200$/.test(line));
    const tokenAt = seen.findIndex((line) => /^POST AS\/token 200$/.test(line));
    const servedAt = seen.findIndex((line, i) => i > tokenAt && line === 'POST hub/mcp 200');
    expect({ metadataAt, asMetadataAt, tokenAt, servedAt }).toEqual({ metadataAt: expect.any(Number), asMetadataAt: expect.any(Number), tokenAt: expect.any(Number), servedAt: expect.any(Number) });
    expect(metadataAt).toBeGreaterThan(0);
    expect(asMetadataAt).toBeGreaterThan(metadataAt);
    expect(tokenAt).toBeGreaterThan(asMetadataAt);
    expect(servedAt).toBeGreaterThan(tokenAt);
  });
});
