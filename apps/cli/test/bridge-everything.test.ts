import { execFileSync } from 'node:child_process';
import { BridgeFixture, serverEverything, textOf } from './support/bridge-fixture';
import { waitFor } from './support/wait-for';

/** The pids of this process's children running `needle` (the bridge's upstream child). */
function childrenRunning(needle: string): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', needle], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * @modelcontextprotocol/server-everything (published, pinned) over stdio behind the bridge, used
 * through the hub with an SDK client: every feature it has, under the hub's names and URIs.
 */
describe('bridge to server-everything over stdio', () => {
  let fixture: BridgeFixture;

  beforeAll(async () => {
    fixture = await new BridgeFixture().start();
    await fixture.bridge('everything', {
      upstream: { transport: 'stdio', command: process.execPath, args: [serverEverything, 'stdio'] },
      writeMode: true,
      restart: { baseDelayMs: 50, maxDelayMs: 200 },
    });
  }, 30_000);
  afterAll(() => fixture.stop());

  it('lists the upstream tools under snake_case names with their schemas and annotations unchanged', async () => {
    const client = await fixture.client();
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['everything_echo', 'everything_get_sum', 'everything_get_tiny_image', 'everything_trigger_long_running_operation']));
    const sum = tools.find((t) => t.name === 'everything_get_sum')!;
    expect(sum.inputSchema).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { a: { type: 'number', description: 'First number' }, b: { type: 'number', description: 'Second number' } },
      required: ['a', 'b'],
    });
    expect(sum.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
  });

  it('calls a tool, and the hub validates its arguments against the draft-07 schema', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'everything_get_sum', arguments: { a: 2, b: 40 } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toContain('42');
    const wrong = await client.callTool({ name: 'everything_get_sum', arguments: { a: 'two', b: 40 } });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toContain('"a" must be number');
  });

  it('relays images and structured content', async () => {
    const client = await fixture.client();
    const image = await client.callTool({ name: 'everything_get_tiny_image', arguments: {} });
    expect((image.content as Array<{ type: string }>).map((c) => c.type)).toContain('image');
    const structured = await client.callTool({ name: 'everything_get_structured_content', arguments: { location: 'Chicago' } });
    expect(structured.structuredContent).toMatchObject({ temperature: expect.any(Number) });
  });

  it('serves resources and templates under everything:// and reads them', async () => {
    const client = await fixture.client();
    const { resources } = await client.listResources();
    const architecture = resources.find((r) => r.uri === 'everything://demo/resource/static/document/architecture.md');
    expect(architecture).toBeDefined();
    const read = await client.readResource({ uri: architecture!.uri });
    expect(read.contents[0]).toMatchObject({ uri: 'everything://demo/resource/static/document/architecture.md' });
    expect((read.contents[0] as { text: string }).text.length).toBeGreaterThan(10);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('everything://demo/resource/dynamic/text/{resourceId}');
    const dynamic = await client.readResource({ uri: 'everything://demo/resource/dynamic/text/7' });
    expect(dynamic.contents[0]).toMatchObject({ uri: 'everything://demo/resource/dynamic/text/7' });
  });

  it('wraps resource links in tool results so that the client can read them through the hub', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'everything_get_resource_links', arguments: { count: 2 } });
    const links = (result.content as Array<{ type: string; uri?: string }>).filter((c) => c.type === 'resource_link');
    expect(links.length).toBe(2);
    for (const link of links) expect(link.uri!.startsWith('everything://')).toBe(true);
    const read = await client.readResource({ uri: links[0]!.uri! });
    expect(read.contents.length).toBeGreaterThan(0);
  });

  it('gets prompts with arguments and completes their arguments', async () => {
    const client = await fixture.client();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['everything_simple_prompt', 'everything_args_prompt', 'everything_completable_prompt']));
    const prompt = await client.getPrompt({ name: 'everything_args_prompt', arguments: { city: 'Lisbon' } });
    expect(JSON.stringify(prompt.messages)).toContain('Lisbon');
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'everything_completable_prompt' }, argument: { name: 'department', value: 'E' } });
    expect(completion.completion.values).toContain('Engineering');
    // The other arguments' values reach the upstream (context.arguments), which narrows by them.
    const lead = await client.complete({ ref: { type: 'ref/prompt', name: 'everything_completable_prompt' }, argument: { name: 'name', value: '' }, context: { arguments: { department: 'Sales' } } });
    expect(lead.completion.values).toEqual(['David', 'Eve', 'Frank']);
  });

  it('relays progress of a long call to the client that asked for it', async () => {
    const client = await fixture.client();
    const progress: number[] = [];
    const result = await client.callTool({ name: 'everything_trigger_long_running_operation', arguments: { duration: 1, steps: 4 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(result.isError).toBeFalsy();
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('relays resources/subscribe upstream and resources/updated back to the subscribed client', async () => {
    const updated: string[] = [];
    const client = await fixture.client({ onResourceUpdated: (uri) => updated.push(uri) });
    const uri = 'everything://demo/resource/static/document/features.md';
    await client.subscribeResource({ uri });
    // The upstream sends its simulated updates once at once, then every 5 s.
    await client.callTool({ name: 'everything_toggle_subscriber_updates', arguments: {} });
    await waitFor(() => updated.includes(uri), 8000, 'resources/updated through the hub');
    await client.callTool({ name: 'everything_toggle_subscriber_updates', arguments: {} });
  });

  it('cancels the upstream call when the client cancels', async () => {
    const client = await fixture.client();
    const controller = new AbortController();
    const call = client.callTool({ name: 'everything_trigger_long_running_operation', arguments: { duration: 20, steps: 20 } }, { signal: controller.signal, onprogress: () => controller.abort() });
    await expect(call).rejects.toThrow();
    await waitFor(() => fixture.logs.some((line) => line['msg'] === 'call cancelled by the hub'), 5000, 'the cancel to reach the bridge');
  });

  it('kills the upstream child mid-call: a clean tool error, then the next call works after the restart', async () => {
    const updated: string[] = [];
    const client = await fixture.client({ onResourceUpdated: (uri) => updated.push(uri) });
    const subscribed = 'everything://demo/resource/static/document/architecture.md';
    await client.subscribeResource({ uri: subscribed });
    const [child] = childrenRunning('server-everything');
    expect(child).toBeDefined();
    const call = client.callTool({ name: 'everything_trigger_long_running_operation', arguments: { duration: 10, steps: 10 } }, { onprogress: () => undefined });
    await new Promise((r) => setTimeout(r, 300));
    process.kill(child!, 'SIGKILL');
    const failed = await call;
    expect(failed.isError).toBe(true);
    expect(textOf(failed)).toMatch(/upstream MCP server stopped while the call of trigger-long-running-operation/);
    let after: Awaited<ReturnType<typeof client.callTool>> | undefined;
    await waitFor(async () => {
      after = await client.callTool({ name: 'everything_get_sum', arguments: { a: 1, b: 1 } });
      return !after.isError;
    }, 10_000, 'a call that works after the restart');
    expect(textOf(after!)).toContain('2');
    const [restarted] = childrenRunning('server-everything');
    expect(restarted).toBeDefined();
    expect(restarted).not.toBe(child);
    // The new child got the subscription again: its simulated updates reach the client.
    await client.callTool({ name: 'everything_toggle_subscriber_updates', arguments: {} });
    await waitFor(() => updated.includes(subscribed), 12_000, 'resources/updated from the restarted child');
    await client.callTool({ name: 'everything_toggle_subscriber_updates', arguments: {} });
  });
});
