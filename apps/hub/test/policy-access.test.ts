import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { PolicyEngine } from '../src/policy/policy-engine';
import { HubFixture, silent, waitFor } from './hub-fixture';

const POLICY = `
@id("admins")
permit (principal in McpHub::Role::"admin", action, resource);

@id("readers-read-only-echo")
permit (principal in McpHub::Role::"reader", action == McpHub::Action::"call", resource in McpHub::Connector::"echo")
when { resource.readOnly };

@id("readers-say-hello")
forbid (principal in McpHub::Role::"reader", action == McpHub::Action::"call", resource == McpHub::Tool::"echo_echo")
unless { context.arguments has text && context.arguments.text like "hello*" };

@id("readers-status")
permit (principal in McpHub::Role::"reader", action == McpHub::Action::"read", resource in McpHub::Connector::"echo")
when { resource.uri == "echo://status" };

@id("readers-greet")
permit (principal in McpHub::Role::"reader", action in [McpHub::Action::"get_prompt", McpHub::Action::"complete"], resource == McpHub::Prompt::"echo_greet");
`;

const ECHO_READ_ONLY = ['echo_crash', 'echo_echo', 'echo_fail', 'echo_slow', 'echo_whoami'];

async function errorOf(work: Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await work;
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  throw new Error('expected an error');
}

describe('policy: who sees and uses what, through a real hub', () => {
  const fixture = new HubFixture();
  let dir: string;
  let file: string;
  let policy: PolicyEngine;
  const as: Record<'admin' | 'reader' | 'guest', Client> = {} as never;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-access-'));
    file = join(dir, 'policy.cedar');
    await writeFile(file, POLICY);
    policy = new PolicyEngine({ files: [file], logger: silent, settleMs: 20 });
    await policy.start();
    await fixture.start({ principalFor: () => ({ id: 'ada', scopes: ['role:admin'] }) }, 5000, { policy });
    await fixture.addConnector('echo');
    await fixture.addConnector('other');
    as.admin = await fixture.client('2025');
    as.reader = await fixture.client('2025', await fixture.addFront({ id: 'rey', scopes: ['role:reader'] }));
    as.guest = await fixture.client('2026', await fixture.addFront({ id: 'gus', scopes: [] }));
  });

  afterAll(async () => {
    await fixture.stop();
    policy.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const names = async (client: Client) => (await client.listTools()).tools.map((tool) => tool.name).sort();

  test('a 2026 listen stream may subscribe only to what the policy lets its principal read', () => {
    const reader = { id: 'rey', scopes: ['role:reader'] };
    const admin = { id: 'ada', scopes: ['role:admin'] };
    expect(fixture.hub.servesResource('echo://status', reader)).toBe(true);
    expect(fixture.hub.servesResource('echo://items/alpha', reader)).toBe(false);
    expect(fixture.hub.servesResource('echo://items/alpha', admin)).toBe(true);
    expect(fixture.hub.servesResource('echo://status', { id: 'gus', scopes: [] })).toBe(false);
  });

  test('each principal lists only the tools it may use', async () => {
    const all = fixture.hub.inventory.tools().map((tool) => tool.qualifiedName).sort();
    expect(all.some((name) => name.startsWith('other_'))).toBe(true);
    expect(await names(as.admin)).toEqual(all);
    expect(await names(as.reader)).toEqual(ECHO_READ_ONLY);
    expect(await names(as.guest)).toEqual([]);
  });

  test.each([
    ['admin', 'echo_touch', { uri: 'echo://status' }, 'ok'],
    ['admin', 'other_echo', { text: 'bye' }, 'ok'],
    ['reader', 'echo_echo', { text: 'hello there' }, 'ok'],
    ['reader', 'echo_echo', { text: 'bye' }, 'policy'],
    ['reader', 'echo_touch', { uri: 'echo://status' }, 'unknown'],
    ['reader', 'other_echo', { text: 'hello' }, 'unknown'],
    ['guest', 'echo_echo', { text: 'hello' }, 'unknown'],
  ] as const)('%s calling %s %j: %s', async (who, tool, args, expected) => {
    const client = as[who];
    if (expected === 'unknown') {
      // Exactly what a tool that does not exist gets.
      const hidden = await errorOf(client.callTool({ name: tool, arguments: args }));
      const missing = await errorOf(client.callTool({ name: 'echo_nothing', arguments: args }));
      expect(hidden).toEqual({ code: missing.code, message: missing.message.replace('echo_nothing', tool) });
      return;
    }
    const result = await client.callTool({ name: tool, arguments: args });
    if (expected === 'ok') expect(result.isError).toBeFalsy();
    else expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringContaining(`policy does not allow ${tool}`) }] });
  });

  test('resources: listed and readable only where allowed; a hidden one is "not found"', async () => {
    const uris = async (client: Client) => (await client.listResources()).resources.map((r) => r.uri).sort();
    const templates = async (client: Client) => (await client.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate).sort();
    expect(await uris(as.admin)).toEqual(['echo://status', 'other://status']);
    expect(await templates(as.admin)).toEqual(['echo://items/{name}', 'other://items/{name}']);
    expect(await uris(as.reader)).toEqual(['echo://status']);
    expect(await templates(as.reader)).toEqual([]);
    expect(await uris(as.guest)).toEqual([]);

    expect((await as.reader.readResource({ uri: 'echo://status' })).contents).toHaveLength(1);
    expect((await as.admin.readResource({ uri: 'echo://items/a' })).contents).toHaveLength(1);
    const hidden = await errorOf(as.reader.readResource({ uri: 'echo://items/a' }));
    const missing = await errorOf(as.reader.readResource({ uri: 'nothing://a' }));
    expect(hidden).toEqual({ code: missing.code, message: missing.message.replace('nothing://a', 'echo://items/a') });
    await expect(as.guest.readResource({ uri: 'echo://status' })).rejects.toThrow(/Resource not found/);
    await expect(as.reader.subscribeResource({ uri: 'other://status' })).rejects.toThrow(/Unknown resource/);
  });

  test('prompts and completions: only where allowed; a hidden prompt is "Unknown prompt"', async () => {
    const prompts = async (client: Client) => (await client.listPrompts()).prompts.map((p) => p.name).sort();
    expect(await prompts(as.admin)).toEqual(['echo_greet', 'other_greet']);
    expect(await prompts(as.reader)).toEqual(['echo_greet']);
    expect(await prompts(as.guest)).toEqual([]);
    expect((await as.reader.getPrompt({ name: 'echo_greet', arguments: { name: 'Kim' } })).messages).toHaveLength(1);
    const hidden = await errorOf(as.reader.getPrompt({ name: 'other_greet', arguments: { name: 'Kim' } }));
    const missing = await errorOf(as.reader.getPrompt({ name: 'other_nothing', arguments: { name: 'Kim' } }));
    expect(hidden).toEqual({ code: missing.code, message: missing.message.replace('other_nothing', 'other_greet') });
    const tone = { ref: { type: 'ref/prompt' as const, name: 'echo_greet' }, argument: { name: 'tone', value: 'w' } };
    expect((await as.reader.complete(tone)).completion.values).toEqual(['warm']);
    await expect(as.guest.complete(tone)).rejects.toThrow(/Unknown completion reference/);
    const item = { ref: { type: 'ref/resource' as const, uri: 'echo://items/{name}' }, argument: { name: 'name', value: 'a' } };
    expect((await as.admin.complete(item)).completion.values).toEqual(['alpha']);
    await expect(as.reader.complete(item)).rejects.toThrow(/Unknown completion reference/);
  });

  test('a bad edit is refused and the last good policy stays in force', async () => {
    const before = await names(as.reader);
    await replace(file, `${POLICY}\n@id("typo") permit (principal, action == McpHub::Action::"call", resource) when { context.arguments has txt };\n`);
    await waitFor(() => policy.lastRefusal !== undefined, 3000, 'the refusal');
    expect(policy.lastRefusal!.join()).toMatch(/policy\.cedar:\d+:\d+: policy typo: .*impossible/);
    expect(await names(as.reader)).toEqual(before);
    expect((await as.reader.callTool({ name: 'echo_echo', arguments: { text: 'hello' } })).isError).toBeFalsy();
    await replace(file, POLICY);
    await waitFor(() => policy.lastRefusal === undefined, 3000, 'the good policy again');
  });

  test('an edit changes what a principal sees on its next request, with list_changed; an edit that changes no list sends none', async () => {
    let changes = 0;
    as.reader.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    const version = () => (policy.state.status === 'loaded' ? policy.state.version : 0);
    const before = version();
    await replace(file, `${POLICY}\n// a comment changes no list\n`);
    await waitFor(() => version() === before + 1, 3000, 'the comment-only edit');
    await replace(file, `${POLICY}\n@id("readers-touch") permit (principal in McpHub::Role::"reader", action == McpHub::Action::"call", resource == McpHub::Tool::"echo_touch");\n`);
    await waitFor(() => version() === before + 2, 3000, 'the edit');
    expect(await names(as.reader)).toEqual([...ECHO_READ_ONLY, 'echo_touch'].sort());
    expect((await as.reader.callTool({ name: 'echo_touch', arguments: { uri: 'echo://status' } })).isError).toBeFalsy();
    await waitFor(() => changes >= 1, 3000, 'list_changed');
    expect(changes).toBe(1);
  });
});

async function replace(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}
