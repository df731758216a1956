import { BridgeFixture, fakeUpstream, textOf } from './support/bridge-fixture';
import { waitFor } from './support/wait-for';

/**
 * An upstream that answers garbage, hangs, floods notifications or answers more than the cap:
 * each gets a clear tool error, and neither the hub nor another connector goes down.
 */
describe('bridge to a misbehaving upstream', () => {
  let fixture: BridgeFixture;
  const stdio = { transport: 'stdio' as const, command: process.execPath, args: [fakeUpstream] };

  beforeAll(async () => {
    fixture = await new BridgeFixture(4000).start();
    await fixture.bridge('fake', { upstream: stdio, writeMode: true, maxResultBytes: 256 * 1024, notificationsPerSecond: 50, annotations: { delete_everything: { readOnlyHint: false, destructiveHint: true } } });
    await fixture.bridge('calm', { upstream: stdio });
  }, 30_000);
  afterAll(() => fixture.stop());

  const stillServing = async () => {
    const client = await fixture.client();
    const echo = await client.callTool({ name: 'calm_echo', arguments: { message: 'still here' } });
    expect(textOf(echo)).toBe('still here');
    const own = await client.callTool({ name: 'fake_echo', arguments: { message: 'me too' } });
    expect(textOf(own)).toBe('me too');
  };

  it('garbage: a clear tool error, and the bridge keeps serving', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'fake_garbage', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/upstream MCP server sent an invalid answer to the call of garbage|result the hub cannot carry/);
    await stillServing();
  });

  it('a hang: a timeout tool error from the bridge before the hub gives up', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'fake_hang', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('The upstream MCP server did not answer the call of hang before the deadline.');
    await stillServing();
  });

  it('a flood of notifications: progress is thinned to the budget, the call answers, the others keep working', async () => {
    const client = await fixture.client();
    let progress = 0;
    const result = await client.callTool({ name: 'fake_flood', arguments: {} }, { onprogress: () => progress++ });
    expect(textOf(result)).toBe('flooded');
    expect(progress).toBeGreaterThan(0);
    // 3000 sent; the budget lets a second's worth (50) through at once, then 50 a second.
    expect(progress).toBeLessThan(1000);
    expect(fixture.logs.some((l) => String(l['msg']).includes('more notifications than notificationsPerSecond'))).toBe(true);
    await stillServing();
  });

  it('an answer over the cap: a tool error that says to ask for less', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'fake_huge', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/over this connector's limit of 262144\. Ask for less/);
    await stillServing();
  });

  it('leaves out a tool whose schema cannot be compiled, with a log line, and serves the rest', async () => {
    const client = await fixture.client();
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain('fake_broken_schema');
    expect(names).toContain('fake_echo');
    expect(fixture.logs.some((l) => l['tool'] === 'broken_schema' && String(l['reason']).includes('input schema cannot be compiled'))).toBe(true);
  });

  it('passes a 2020-12 schema with $defs, $ref and prefixItems through unchanged, and the hub validates by it', async () => {
    const client = await fixture.client();
    const tuple = (await client.listTools()).tools.find((t) => t.name === 'fake_tuple')!;
    expect(tuple.inputSchema).toMatchObject({ $defs: { label: { type: 'string', minLength: 2 } }, properties: { pair: { prefixItems: [{ $ref: '#/$defs/label' }, { type: 'integer' }], items: false } } });
    expect(textOf(await client.callTool({ name: 'fake_tuple', arguments: { pair: ['ab', 3] } }))).toBe('["ab",3]');
    const wrong = await client.callTool({ name: 'fake_tuple', arguments: { pair: ['a', 3] } });
    expect(wrong.isError).toBe(true);
  });

  it('overrides upstream annotations from the configuration, and write mode filters by the overridden hints', async () => {
    const client = await fixture.client();
    const tools = (await client.listTools()).tools;
    expect(tools.find((t) => t.name === 'fake_delete_everything')?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    // calm runs without write mode: the upstream's own read-only claims are all it has to go by.
    expect(tools.map((t) => t.name)).not.toContain('calm_add_tool');
    expect(tools.map((t) => t.name)).toContain('calm_delete_everything');
  });

  it('leaves out resources without a scheme and templates beyond level 1, and maps the rest into fake://', async () => {
    const client = await fixture.client();
    const uris = (await client.listResources()).resources.map((r) => r.uri);
    expect(uris).toContain('fake://mem/notes/1');
    expect(uris.some((u) => u.includes('no scheme'))).toBe(false);
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).toContain('fake://mem/notes/{id}');
    expect(templates.some((t) => t.includes('{/path*}'))).toBe(false);
    const read = await client.readResource({ uri: 'fake://mem/notes/42' });
    expect(read.contents[0]).toMatchObject({ uri: 'fake://mem/notes/42', text: 'note mem://notes/42' });
  });

  it("re-announces on the upstream's list_changed: clients get list_changed and the new tool within 2 s", async () => {
    let changed = 0;
    const client = await fixture.client({ onToolsChanged: () => changed++ });
    const before = changed;
    const started = Date.now();
    await client.callTool({ name: 'fake_add_tool', arguments: {} });
    await waitFor(() => changed > before, 2000, 'notifications/tools/list_changed through the hub');
    await waitFor(async () => (await client.listTools()).tools.some((t) => t.name === 'fake_added_later'), 2000 - (Date.now() - started), 'the new tool listed');
    expect(textOf(await client.callTool({ name: 'fake_added_later', arguments: {} }))).toBe('I was added later');
  });
});
