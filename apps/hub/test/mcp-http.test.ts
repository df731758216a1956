import { ProtocolError } from '@modelcontextprotocol/client';
import { HubFixture, waitFor } from './hub-fixture';
import { Subjects, encode, manifestDigest } from '@mcp-hub/connector-contract';
import { createEchoConnector } from '@mcp-hub/connector-kit/testing';

describe('hub over Streamable HTTP, 2025-11-25 sessions', () => {
  let fixture: HubFixture;
  beforeEach(async () => {
    fixture = await new HubFixture().start();
    await fixture.addConnector('echo');
  });
  afterEach(() => fixture.stop());

  it('lists connector tools under qualified names with schemas and annotations', async () => {
    const client = await fixture.client();
    const { tools } = await client.listTools();
    const echo = tools.find((t) => t.name === 'echo_echo');
    expect(echo).toMatchObject({
      description: 'Returns its text.',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
      outputSchema: { type: 'object' },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    });
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo_slow', 'echo_fail', 'echo_crash']));
  });

  it('forwards a call and passes structuredContent through', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'echo_echo', arguments: { text: 'hi' } });
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'hi' }], structuredContent: { text: 'hi' } });
    expect(result.isError).toBeFalsy();
  });

  it('answers arguments that fail the schema with a tool error naming the field, without calling the connector', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'echo_echo', arguments: { text: 5 } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/text.*must be string/);
    const missing = await client.callTool({ name: 'echo_echo', arguments: {} });
    expect(JSON.stringify(missing.content)).toMatch(/missing the required property \\"text\\"/);
  });

  it('answers an unknown tool with a protocol error', async () => {
    const client = await fixture.client();
    await expect(client.callTool({ name: 'echo_nope', arguments: {} })).rejects.toBeInstanceOf(ProtocolError);
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Unknown tool/);
  });

  it('relays connector tool errors and hides connector bugs', async () => {
    const client = await fixture.client();
    const failed = await client.callTool({ name: 'echo_fail', arguments: { kind: 'rate_limited' } });
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'failure of kind rate_limited Retry after 2 s.' }] });
    const crashed = await client.callTool({ name: 'echo_crash', arguments: {} });
    expect(crashed.isError).toBe(true);
    expect(JSON.stringify(crashed)).not.toMatch(/hunter2|app\.js/);
  });

  it('relays progress notifications with the client token', async () => {
    const client = await fixture.client();
    const seen: number[] = [];
    const result = await client.callTool({ name: 'echo_slow', arguments: { steps: 3, step_ms: 5 } }, { onprogress: (p) => seen.push(p.progress) });
    expect(result.structuredContent).toEqual({ completed: 3 });
    await waitFor(() => seen.length === 3, 2000, 'three progress notifications');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('carries a client cancellation to the handler signal in the connector', async () => {
    const client = await fixture.client();
    const controller = new AbortController();
    const pending = client.callTool({ name: 'echo_slow', arguments: { steps: 200, step_ms: 10 } }, { signal: controller.signal });
    setTimeout(() => controller.abort('user clicked stop'), 100);
    await expect(pending).rejects.toThrow();
    await waitFor(() => fixture.deps.aborted.length === 1, 3000, 'the handler to see the abort');
  });

  it('reads resources and templates, and refuses unknown ones', async () => {
    const client = await fixture.client();
    // Names carry the connector's prefix, as tool and prompt names do; URIs are the connector's own.
    expect((await client.listResources()).resources).toEqual([expect.objectContaining({ uri: 'echo://status', name: 'echo_status' })]);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'echo://items/{name}', name: 'echo_item' })]);
    expect((await client.readResource({ uri: 'echo://items/x' })).contents).toEqual([{ uri: 'echo://items/x', mimeType: 'text/plain', text: 'item x' }]);
    await expect(client.readResource({ uri: 'nothing://here' })).rejects.toThrow(/Resource not found/);
  });

  it('gets prompts and completions', async () => {
    const client = await fixture.client();
    const { prompts } = await client.listPrompts();
    expect(prompts).toEqual([expect.objectContaining({ name: 'echo_greet', arguments: [expect.objectContaining({ name: 'name', required: true }), expect.objectContaining({ name: 'tone', required: false })] })]);
    const prompt = await client.getPrompt({ name: 'echo_greet', arguments: { name: 'Ada' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Say hello to Ada.' });
    await expect(client.getPrompt({ name: 'echo_greet', arguments: {} })).rejects.toThrow(/Invalid prompt arguments/);
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'echo_greet' }, argument: { name: 'tone', value: 'f' } });
    expect(completion.completion.values).toEqual(['formal']);
  });

  it('sends resources/updated to subscribed sessions only', async () => {
    const watcher = await fixture.client();
    const bystander = await fixture.client();
    const updates: string[] = [];
    const stray: string[] = [];
    watcher.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    bystander.setNotificationHandler('notifications/resources/updated', (n) => void stray.push(n.params.uri));
    await watcher.subscribeResource({ uri: 'echo://items/a' });
    await expect(watcher.subscribeResource({ uri: 'nothing://x' })).rejects.toThrow();
    await bystander.callTool({ name: 'echo_touch', arguments: { uri: 'echo://items/a' } });
    await waitFor(() => updates.length === 1, 3000, 'resource update');
    expect(updates).toEqual(['echo://items/a']);
    expect(stray).toEqual([]);
  });

  it('announces a joining and a leaving connector with list_changed', async () => {
    const client = await fixture.client();
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    const second = await fixture.addConnector('second');
    await waitFor(() => changes >= 1, 2000, 'list_changed on join');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('second_echo');
    await second.stop();
    await waitFor(() => changes >= 2, 2000, 'list_changed on leave');
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('second_echo');
  });

  it('drops a replica that stops heartbeating within its deadline', async () => {
    const client = await fixture.client();
    // A replica that announced itself, then died (SIGKILL): no heartbeat, no goodbye.
    const manifest = createEchoConnector('ghost').manifest;
    fixture.bus.publish(new Subjects().registry('ghost', 'announce'), encode({ replicaId: 'ghost-1', manifest, manifestDigest: manifestDigest(manifest), heartbeatMs: 200 }));
    await waitFor(() => fixture.hub.inventory.replicaCount('ghost') === 1, 2000, 'the announcement');
    await waitFor(() => fixture.hub.inventory.replicaCount('ghost') === 0, 3000, 'expiry');
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('ghost_echo');
  });

  it('ends a session on DELETE; its id then gets 404', async () => {
    const client = await fixture.client();
    const transport = client.transport as unknown as { sessionId: string; terminateSession(): Promise<void> };
    const sessionId = transport.sessionId;
    expect(fixture.front.sessions.size).toBe(1);
    await transport.terminateSession();
    expect(fixture.front.sessions.size).toBe(0);
    const response = await fetch(fixture.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(404);
  });
});

describe('hub over Streamable HTTP, 2026-07-28 sessionless', () => {
  let fixture: HubFixture;
  beforeEach(async () => {
    fixture = await new HubFixture().start();
    await fixture.addConnector('echo');
  });
  afterEach(() => fixture.stop());

  it('lists and calls tools without a session', async () => {
    const client = await fixture.client('2026');
    expect(client.getNegotiatedProtocolVersion?.()).toBe('2026-07-28');
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo_echo');
    expect(await client.callTool({ name: 'echo_echo', arguments: { text: 'new era' } })).toMatchObject({ structuredContent: { text: 'new era' } });
    expect(fixture.front.sessions.size).toBe(0);
  });

  it('relays progress and reports tool errors the same way', async () => {
    const client = await fixture.client('2026');
    const seen: number[] = [];
    await client.callTool({ name: 'echo_slow', arguments: { steps: 2, step_ms: 5 } }, { onprogress: (p) => seen.push(p.progress) });
    await waitFor(() => seen.length === 2, 2000, 'progress');
    expect((await client.callTool({ name: 'echo_echo', arguments: {} })).isError).toBe(true);
  });

  it('gets list_changed through subscriptions/listen', async () => {
    const client = await fixture.client('2026');
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    await client.listen({ toolsListChanged: true });
    await fixture.addConnector('later');
    await waitFor(() => changes >= 1, 3000, 'list_changed on the listen stream');
  });
});
