import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { PolicyEngine } from './policy-engine';
import { policyPrincipalOf } from './policy-principal';
import type { ToolTarget } from './policy-target';

const logger = pino({ level: 'silent' });
const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const tool = (name: string): ToolTarget => ({ kind: 'tool', connector: 'echo', name, annotations, scopes: [] });
const alice = policyPrincipalOf({ id: 'alice', scopes: ['role:dev'] });
const manifests = { tools: [{ descriptor: { inputSchema: { type: 'object', properties: { text: { type: 'string' } } } } }], prompts: [] };

const ALLOW_ECHO = '@id("dev-echo") permit (principal in McpHub::Role::"dev", action == McpHub::Action::"call", resource == McpHub::Tool::"echo_echo");';
const ALLOW_FAIL = '@id("dev-fail") permit (principal in McpHub::Role::"dev", action == McpHub::Action::"call", resource == McpHub::Tool::"echo_fail");';

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Writes a file the way careful editors and config managers do: a new file renamed over the old. */
async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

describe('PolicyEngine', () => {
  let dir: string;
  let engine: PolicyEngine | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-engine-'));
  });
  afterEach(async () => {
    engine?.stop();
    engine = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function started(files: string[]): Promise<PolicyEngine> {
    engine = new PolicyEngine({ files, logger, settleMs: 20 });
    await engine.start();
    engine.updateSchema(manifests);
    return engine;
  }

  test('an edit takes effect without a restart, and says so', async () => {
    const file = join(dir, 'policy.cedar');
    await writeFile(file, ALLOW_ECHO);
    const policy = await started([file]);
    expect(policy.decide(alice, 'call', tool('echo_echo')).allowed).toBe(true);
    expect(policy.decide(alice, 'call', tool('echo_fail')).allowed).toBe(false);
    let changes = 0;
    policy.on('changed', () => changes++);
    await replaceFile(file, ALLOW_FAIL);
    await until(() => policy.decide(alice, 'call', tool('echo_fail')).allowed, 'the edit');
    expect(policy.decide(alice, 'call', tool('echo_echo')).allowed).toBe(false);
    expect(changes).toBe(1);
    expect(policy.state).toEqual({ status: 'loaded', version: 2, policies: 1 });
  });

  test('a bad edit is refused with its errors, and the last good policy stays in force', async () => {
    const file = join(dir, 'policy.cedar');
    await writeFile(file, ALLOW_ECHO);
    const policy = await started([file]);
    await replaceFile(file, 'permit (principal, action == McpHub::Action::"call", resource) when { context.arguments has txt && context.arguments.txt == "x" };');
    await until(() => policy.lastRefusal !== undefined, 'the refusal of an impossible policy');
    expect(policy.lastRefusal!.join()).toContain('policy is impossible');
    await replaceFile(file, 'permit (principal action resource);');
    await until(() => policy.lastRefusal?.join().includes('policy.cedar:1:') === true, 'the refusal of a syntax error');
    expect(policy.decide(alice, 'call', tool('echo_echo')).allowed).toBe(true);
    expect(policy.state).toMatchObject({ status: 'loaded', version: 1 });
    await replaceFile(file, 'permit (principal, action == McpHub::Action::"call", resource) when { context.arguments has text && context.arguments.text == "x" };');
    await until(() => policy.state.status === 'loaded' && policy.state.version === 2, 'a good edit after bad ones');
    expect(policy.lastRefusal).toBeUndefined();
  });

  test('a policy deleted while the hub runs keeps the last good one in force', async () => {
    const file = join(dir, 'policy.cedar');
    await writeFile(file, ALLOW_ECHO);
    const policy = await started([file]);
    await rm(file);
    await until(() => policy.lastRefusal !== undefined, 'the refusal');
    expect(policy.lastRefusal!.join()).toContain('no such file');
    expect(policy.decide(alice, 'call', tool('echo_echo')).allowed).toBe(true);
  });

  test('a policy missing at start denies everything, until a good one appears', async () => {
    const file = join(dir, 'policy.cedar');
    const policy = await started([file]);
    expect(policy.state).toMatchObject({ status: 'deny_all' });
    expect(policy.decide(alice, 'call', tool('echo_echo')).allowed).toBe(false);
    expect(policy.visible(alice, 'call', tool('echo_echo'))).toBe(false);
    await replaceFile(file, ALLOW_ECHO);
    await until(() => policy.decide(alice, 'call', tool('echo_echo')).allowed, 'the new policy');
  });

  test('no policy file configured denies everything', async () => {
    const policy = await started([]);
    expect(policy.state).toEqual({ status: 'deny_all', reason: 'no policy files configured' });
    expect(policy.decide(alice, 'call', tool('echo_echo')).allowed).toBe(false);
  });

  test('a folder is every .cedar file in it, in name order', async () => {
    await writeFile(join(dir, 'a.cedar'), ALLOW_ECHO);
    await writeFile(join(dir, 'b.cedar'), ALLOW_FAIL);
    await writeFile(join(dir, 'notes.txt'), 'not a policy');
    const policy = await started([dir]);
    expect(policy.state).toMatchObject({ status: 'loaded', policies: 2 });
    await writeFile(join(dir, 'c.cedar'), '@id("no-fail") forbid (principal, action, resource == McpHub::Tool::"echo_fail");');
    await until(() => !policy.decide(alice, 'call', tool('echo_fail')).allowed, 'the new file');
    expect(policy.decide(alice, 'call', tool('echo_echo')).allowed).toBe(true);
  });

  test('at start, a policy that parses but names arguments of connectors not live yet is applied', async () => {
    const file = join(dir, 'policy.cedar');
    await writeFile(file, 'permit (principal, action == McpHub::Action::"call", resource) when { context.arguments has repo && context.arguments.repo like "acme/*" };');
    engine = new PolicyEngine({ files: [file], logger, settleMs: 20 });
    engine.updateSchema(manifests);
    await engine.start();
    expect(engine.state).toMatchObject({ status: 'loaded' });
    expect(engine.decide(alice, 'call', tool('github_search'), { repo: 'acme/x' }).allowed).toBe(true);
  });
});
