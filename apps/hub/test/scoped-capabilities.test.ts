import { z } from 'zod';
import { runConnector, defineConnector, definePrompt, defineResource, defineResourceTemplate, defineTool, type ConnectorService } from '@mcp-hub/connector-kit';
import type { Principal } from '@mcp-hub/connector-contract';
import { ClientRequestError } from '../src/invocation/hub-errors';
import { HubFixture, silent, waitFor } from './hub-fixture';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** A connector whose resources, template and prompt need the scope `vault:read`, beside open ones. */
const vault = defineConnector<Record<string, never>>({
  id: 'vault',
  version: '1.0.0',
  tools: [
    defineTool({ name: 'ping', description: 'Pong.', input: z.object({}), output: z.object({}), annotations: readOnly, handler: async () => ({ structured: {}, text: 'pong' }) }),
    defineTool({ name: 'open_secret', description: 'Reads a secret.', scopes: ['vault:read'], input: z.object({}), output: z.object({}), annotations: readOnly, handler: async () => ({ structured: {}, text: 's3cret' }) }),
  ],
  resources: [
    defineResource({ uri: 'vault://status', name: 'status', read: async () => [{ uri: 'vault://status', text: 'ok' }] }),
    defineResource({ uri: 'vault://keys', name: 'keys', scopes: ['vault:read'], read: async () => [{ uri: 'vault://keys', text: 'k1,k2' }] }),
  ],
  resourceTemplates: [
    defineResourceTemplate({
      uriTemplate: 'vault://secrets/{name}',
      name: 'secret',
      scopes: ['vault:read'],
      read: async ({ name }, uri) => [{ uri, text: `secret ${name}` }],
      complete: { name: async (value) => ['db', 'api'].filter((v) => v.startsWith(value)) },
    }),
  ],
  prompts: [
    definePrompt({ name: 'hello', arguments: z.object({}), render: async () => ({ messages: [{ role: 'user', content: { type: 'text', text: 'hello' } }] }) }),
    definePrompt({
      name: 'audit',
      scopes: ['vault:read'],
      arguments: z.object({ target: z.string() }),
      render: async ({ target }) => ({ messages: [{ role: 'user', content: { type: 'text', text: `audit ${target}` } }] }),
      complete: { target: async (value) => ['db', 'api'].filter((v) => v.startsWith(value)) },
    }),
  ],
});

const reader: Principal = { id: 'reader', scopes: ['vault:read'] };
const guest: Principal = { id: 'guest', scopes: [] };

describe('scopes on resources, templates, prompts and completions', () => {
  const fixture = new HubFixture();
  let service: ConnectorService<Record<string, never>>;
  beforeAll(async () => {
    await fixture.start({ principalFor: () => guest });
    service = await runConnector(vault, { bus: fixture.bus, deps: {}, logger: silent });
    await waitFor(() => fixture.hub.inventory.replicaCount('vault') > 0);
  });
  afterAll(async () => {
    await service.stop();
    await fixture.stop();
  });

  it('lists only what the principal may use', () => {
    const { hub } = fixture;
    expect(hub.listTools(reader).map((t) => t.name)).toEqual(['vault_ping', 'vault_open_secret']);
    expect(hub.listTools(guest).map((t) => t.name)).toEqual(['vault_ping']);
    expect(hub.listResources(reader).map((r) => r['uri'])).toEqual(['vault://status', 'vault://keys']);
    expect(hub.listResources(guest).map((r) => r['uri'])).toEqual(['vault://status']);
    expect(hub.listResourceTemplates(reader).map((t) => t['uriTemplate'])).toEqual(['vault://secrets/{name}']);
    expect(hub.listResourceTemplates(guest)).toEqual([]);
    expect(hub.listPrompts(reader).map((p) => p['name'])).toEqual(['vault_hello', 'vault_audit']);
    expect(hub.listPrompts(guest).map((p) => p['name'])).toEqual(['vault_hello']);
    // The scopes a descriptor needs are not part of what clients see.
    expect(JSON.stringify([hub.listResources(reader), hub.listPrompts(reader), hub.listResourceTemplates(reader)])).not.toContain('vault:read');
  });

  it('serves the principal with the scope, and answers the one without exactly as for something that does not exist', async () => {
    const { hub } = fixture;
    expect((await hub.readResource('vault://keys', { principal: reader })).contents).toEqual([{ uri: 'vault://keys', text: 'k1,k2' }]);
    expect((await hub.readResource('vault://secrets/db', { principal: reader })).contents[0]).toMatchObject({ text: 'secret db' });
    expect((await hub.getPrompt('vault_audit', { target: 'db' }, { principal: reader })).messages).toHaveLength(1);
    expect((await hub.complete({ type: 'ref/prompt', name: 'vault_audit' }, { name: 'target', value: 'd' }, {}, { principal: reader })).values).toEqual(['db']);
    expect((await hub.complete({ type: 'ref/resource', uri: 'vault://secrets/{name}' }, { name: 'name', value: 'a' }, {}, { principal: reader })).values).toEqual(['api']);

    const refusals = async (principal: Principal) => {
      const outcome = (work: Promise<unknown>) => work.then(() => 'served', (e: unknown) => (e instanceof ClientRequestError ? `${e.kind}: ${e.message}` : String(e)));
      return [
        await outcome(hub.readResource('vault://keys', { principal })),
        await outcome(hub.readResource('vault://secrets/db', { principal })),
        await outcome(hub.subscribeResource('vault://keys', { principal })),
        await outcome(hub.getPrompt('vault_audit', { target: 'db' }, { principal })),
        await outcome(hub.complete({ type: 'ref/prompt', name: 'vault_audit' }, { name: 'target', value: 'd' }, {}, { principal })),
        await outcome(hub.complete({ type: 'ref/resource', uri: 'vault://secrets/{name}' }, { name: 'name', value: 'a' }, {}, { principal })),
      ];
    };
    expect(await refusals(guest)).toEqual([
      'resource_not_found: Resource not found: vault://keys',
      'resource_not_found: Resource not found: vault://secrets/db',
      expect.stringMatching(/^invalid_params: Unknown resource: vault:\/\/keys/),
      'invalid_params: Unknown prompt: vault_audit',
      'invalid_params: Unknown completion reference',
      'invalid_params: Unknown completion reference',
    ]);
    // Same answers as for names nobody serves.
    const absent = (work: Promise<unknown>) => work.then(() => 'served', (e: Error) => e.message);
    expect(await absent(hub.getPrompt('vault_nothing', {}, { principal: reader }))).toBe('Unknown prompt: vault_nothing');
    expect(await absent(hub.readResource('vault://nothing', { principal: reader }))).toBe('Resource not found: vault://nothing');
  });

  it('applies over MCP: an HTTP client listing as the guest sees neither the scoped resources nor the scoped prompt', async () => {
    const client = await fixture.client();
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['vault://status']);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['vault_hello']);
    await expect(client.readResource({ uri: 'vault://keys' })).rejects.toThrow(/Resource not found/);
  });
});
