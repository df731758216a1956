import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { JobKeys } from '@mcp-hub/connector-contract';
import { ToolError, defineConnector, defineTool, runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import type { Client } from '@modelcontextprotocol/client';
import { BullChainRunner } from '../src/chains/bull-chain-runner';
import { compileChains } from '../src/chains/chain-plan';
import type { ChainRunner } from '../src/chains/chain-runner';
import { HubChains } from '../src/chains/hub-chains';
import { InProcessChainRunner } from '../src/chains/in-process-chain-runner';
import { PolicyEngine } from '../src/policy/policy-engine';
import { freePort } from '@mcp-hub/bus/testing';
import { HubFixture, silent, waitFor } from './hub-fixture';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What reached the test connector's handlers, in order. */
interface StepDeps {
  events: string[];
  flaky: Map<string, number>;
  /** `hang` waits on this (forever by default: a hub that dies in the middle of a step). */
  gate: Promise<void>;
}

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    });
  });
}

const stepsConnector = defineConnector<StepDeps>({
  id: 'steps',
  version: '1.0.0',
  tools: [
    defineTool({
      name: 'note',
      description: 'Records its text and returns it.',
      input: z.object({ text: z.string(), n: z.number().optional() }),
      output: z.object({ text: z.string(), principal: z.string() }),
      annotations: readOnly,
      handler: async ({ text }, ctx, deps: StepDeps) => {
        deps.events.push(`note ${text}`);
        return { structured: { text, principal: ctx.principal.id }, text };
      },
    }),
    defineTool({
      name: 'wait',
      description: 'Waits `ms`, honouring cancellation.',
      input: z.object({ label: z.string(), ms: z.number().int() }),
      output: z.object({ label: z.string() }),
      annotations: readOnly,
      handler: async ({ label, ms }, ctx, deps: StepDeps) => {
        deps.events.push(`start ${label}`);
        try {
          await sleep(ms, ctx.signal);
        } catch (error) {
          deps.events.push(`aborted ${label}`);
          throw error;
        }
        deps.events.push(`end ${label}`);
        return { structured: { label }, text: label };
      },
    }),
    defineTool({
      name: 'fail',
      description: 'Always fails.',
      input: z.object({ why: z.string() }),
      output: z.object({}),
      annotations: readOnly,
      handler: async ({ why }, _ctx, deps: StepDeps) => {
        deps.events.push(`fail ${why}`);
        throw new ToolError('conflict', `refused: ${why}`);
      },
    }),
    defineTool({
      name: 'flaky',
      description: 'Fails its first `failures` calls for `key`.',
      input: z.object({ key: z.string(), failures: z.number().int() }),
      output: z.object({ attempts: z.number() }),
      annotations: readOnly,
      handler: async ({ key, failures }, _ctx, deps: StepDeps) => {
        const attempts = (deps.flaky.get(key) ?? 0) + 1;
        deps.flaky.set(key, attempts);
        if (attempts <= failures) throw new ToolError('upstream', `attempt ${attempts} failed`);
        return { structured: { attempts }, text: String(attempts) };
      },
    }),
    defineTool({
      name: 'hang',
      description: 'Waits for the test to open the gate.',
      input: z.object({ label: z.string() }),
      output: z.object({ label: z.string() }),
      annotations: readOnly,
      handler: async ({ label }, _ctx, deps: StepDeps) => {
        deps.events.push(`hang ${label}`);
        await deps.gate;
        deps.events.push(`released ${label}`);
        return { structured: { label }, text: label };
      },
    }),
  ],
});

const INPUT = { type: 'object', properties: { who: { type: 'string' } }, required: ['who'], additionalProperties: false };

const CHAINS = {
  greet: {
    description: 'Notes a greeting, then notes it again with the first result.',
    inputSchema: INPUT,
    steps: [
      { id: 'first', tool: 'steps_note', arguments: { text: "'hello ' & input.who" } },
      { id: 'second', tool: 'steps_note', arguments: { text: "steps.first.text & ' again'" } },
    ],
    output: "{ 'said': steps.second.text, 'as': steps.first.principal }",
  },
  fan: {
    description: 'Two waits in parallel, then a note that needs both.',
    inputSchema: { type: 'object' },
    steps: [
      { id: 'left', tool: 'steps_wait', arguments: { label: "'left'", ms: 300 } },
      { id: 'right', tool: 'steps_wait', arguments: { label: "'right'", ms: 300 } },
      { id: 'join', tool: 'steps_note', arguments: { text: "steps.left.label & '+' & steps.right.label" } },
    ],
  },
  choose: {
    description: 'Skips a step by its condition.',
    inputSchema: { type: 'object', properties: { loud: { type: 'boolean' } } },
    steps: [
      { id: 'shout', tool: 'steps_note', when: 'input.loud = true', arguments: { text: "'LOUD'" } },
      { id: 'after', tool: 'steps_note', arguments: { text: "steps.shout ? 'was loud' : 'was quiet'" } },
    ],
  },
  broken: {
    description: 'Fails in its second step.',
    inputSchema: { type: 'object' },
    steps: [
      { id: 'ok', tool: 'steps_note', arguments: { text: "'fine'" } },
      { id: 'lookup', tool: 'steps_fail', arguments: { why: "'no such customer'" }, needs: ['ok'] },
      { id: 'never', tool: 'steps_note', arguments: { text: "'unreachable'" }, needs: ['lookup'] },
    ],
  },
  secretive: {
    description: 'Its second step is one the policy denies.',
    inputSchema: { type: 'object' },
    steps: [
      { id: 'ok', tool: 'steps_note', arguments: { text: "'public'" } },
      { id: 'leak', tool: 'steps_note', arguments: { text: "'top secret'" }, needs: ['ok'] },
      { id: 'never', tool: 'steps_note', arguments: { text: "'unreachable'" }, needs: ['leak'] },
    ],
  },
  retrying: {
    description: 'A flaky step retried.',
    inputSchema: { type: 'object' },
    steps: [{ id: 'flaky', tool: 'steps_flaky', arguments: { key: "'k'", failures: 2 }, retry: { attempts: 3, backoffMs: 10 } }],
  },
  slowpoke: {
    description: 'A long wait, then a note.',
    inputSchema: { type: 'object' },
    steps: [
      { id: 'long', tool: 'steps_wait', arguments: { label: "'long'", ms: 20_000 } },
      { id: 'then', tool: 'steps_note', arguments: { text: "'after the wait'" }, needs: ['long'] },
    ],
  },
  outer: {
    description: 'Calls the greet chain as a step.',
    inputSchema: { type: 'object' },
    scopes: ['chains:outer'],
    steps: [{ id: 'inner', tool: 'chain_greet', arguments: { who: "'nested'" } }],
  },
  ghostly: {
    description: 'Calls a tool no connector serves: never listed.',
    inputSchema: { type: 'object' },
    steps: [{ id: 'boo', tool: 'ghost_tool' }],
  },
  resumable: {
    description: 'Three steps; the second hangs the first time.',
    inputSchema: { type: 'object' },
    steps: [
      { id: 'one', tool: 'steps_note', arguments: { text: "'one'" } },
      { id: 'two', tool: 'steps_hang', arguments: { label: "'two'" }, needs: ['one'] },
      { id: 'three', tool: 'steps_note', arguments: { text: "'three'" }, needs: ['two'] },
    ],
  },
};

const POLICY = `
permit (principal, action, resource);
forbid (principal, action == McpHub::Action::"call", resource == McpHub::Tool::"steps_note")
when { context.arguments has text && context.arguments.text like "*secret*" };
`;

function text(result: { content?: unknown }): string {
  return ((result.content ?? []) as Array<{ type: string; text?: string }>).map((block) => block.text ?? '').join('\n');
}

interface Setup {
  fixture: HubFixture;
  deps: StepDeps;
  service: ConnectorService<StepDeps>;
  policy: PolicyEngine;
  dir: string;
  namespace: string;
  runners: ChainRunner[];
  client: Client;
}

type RunnerKind = 'in-process' | 'bullmq';

function newRunner(kind: RunnerKind, namespace: string, settings: { lockDurationMs?: number; stalledIntervalMs?: number } = {}): ChainRunner {
  return kind === 'bullmq' ? new BullChainRunner({ redisUrl: REDIS_URL, namespace, logger: silent, keepMs: 60_000, ...settings }) : new InProcessChainRunner();
}

async function start(kind: RunnerKind, gate: Promise<void> = Promise.resolve(), settings: { lockDurationMs?: number; stalledIntervalMs?: number } = {}): Promise<Setup> {
  const namespace = `chaintest${process.pid}x${Math.floor(Math.random() * 1e9)}`;
  const dir = await mkdtemp(join(tmpdir(), 'chains-'));
  await writeFile(join(dir, 'policy.cedar'), POLICY);
  const policy = new PolicyEngine({ files: [join(dir, 'policy.cedar')], logger: silent, settleMs: 20 });
  await policy.start();
  const runner = newRunner(kind, namespace, settings);
  const chains = new HubChains({ plans: compileChains(CHAINS), runner, logger: silent });
  const fixture = new HubFixture();
  await fixture.start({}, 5000, { policy, chains });
  const deps: StepDeps = { events: [], flaky: new Map(), gate };
  const service = await runConnector(stepsConnector, { bus: fixture.bus, deps, heartbeatMs: 2000, logger: silent });
  await waitFor(() => fixture.hub.inventory.replicaCount('steps') > 0);
  const client = await fixture.client();
  return { fixture, deps, service, policy, dir, namespace, runners: [runner], client };
}

async function stop(setup: Setup | undefined): Promise<void> {
  if (!setup) return;
  await setup.client.close().catch(() => undefined);
  await setup.service.stop();
  await setup.fixture.stop();
  for (const runner of setup.runners) await runner.close();
  await setup.policy.stop();
  await rm(setup.dir, { recursive: true, force: true });
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${setup.namespace}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

describe.each<RunnerKind>(['in-process', 'bullmq'])('service chains (%s)', (kind) => {
  let setup: Setup;
  // One hub per runner kind: starting the policy engine and the hub costs more than every test here.
  beforeAll(async () => {
    setup = await start(kind);
  }, 30_000);
  afterAll(() => stop(setup));
  beforeEach(() => {
    setup.deps.events.length = 0;
    setup.deps.flaky.clear();
  });

  it('lists each chain as one tool to principals who may call every step, and runs it as the caller with per-step progress', async () => {
    const { client, fixture } = setup;
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['chain_greet', 'chain_fan', 'chain_outer']));
    expect(names).not.toContain('chain_ghostly');
    const greet = (await client.listTools()).tools.find((tool) => tool.name === 'chain_greet')!;
    expect(greet.inputSchema).toMatchObject(INPUT);

    const progress: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = await client.callTool({ name: 'chain_greet', arguments: { who: 'ada' } }, { onprogress: (p) => progress.push(p) });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ said: 'hello ada again', as: 'tester' });
    expect(progress).toEqual([
      { progress: 1, total: 2, message: 'step first done' },
      { progress: 2, total: 2, message: 'step second done' },
    ]);

    const bad = await client.callTool({ name: 'chain_greet', arguments: { who: 7 } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/^Invalid arguments for chain_greet: \/who must be string/);

    // Without the chain's scope, or without a step's tool, the chain is not there.
    const narrow = await fixture.client('2025', await fixture.addFront({ id: 'nora', scopes: ['role:user'] }));
    const narrowNames = (await narrow.listTools()).tools.map((tool) => tool.name);
    expect(narrowNames).toContain('chain_greet');
    expect(narrowNames).not.toContain('chain_outer');
    await expect(narrow.callTool({ name: 'chain_outer', arguments: {} })).rejects.toThrow(/Unknown tool: chain_outer/);
    await expect(client.callTool({ name: 'chain_ghostly', arguments: {} })).rejects.toThrow(/Unknown tool: chain_ghostly/);
  });

  it('calls another chain as a step', async () => {
    const result = await setup.client.callTool({ name: 'chain_outer', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ inner: { said: 'hello nested again', as: 'tester' } });
  });

  it('runs steps that do not depend on each other in parallel, and the step that needs both after them', async () => {
    const result = await setup.client.callTool({ name: 'chain_fan', arguments: {} });
    expect(result.isError).toBeFalsy();
    const { events } = setup.deps;
    // Both waits started before either ended: they overlapped.
    expect(events.slice(0, 2).sort()).toEqual(['start left', 'start right']);
    expect(events.slice(2, 4).sort()).toEqual(['end left', 'end right']);
    expect(events[4]).toBe('note left+right');
  });

  it('skips a step whose condition is false; the steps after it see it absent', async () => {
    const quiet = await setup.client.callTool({ name: 'chain_choose', arguments: { loud: false } });
    expect(quiet.structuredContent).toEqual({ after: { text: 'was quiet', principal: 'tester' } });
    const loud = await setup.client.callTool({ name: 'chain_choose', arguments: { loud: true } });
    expect(loud.structuredContent).toMatchObject({ shout: { text: 'LOUD' }, after: { text: 'was loud' } });
    expect(setup.deps.events).toEqual(['note was quiet', 'note LOUD', 'note was loud']);
  });

  it('fails at a failing step with an error naming it, and runs nothing after it', async () => {
    const result = await setup.client.callTool({ name: 'chain_broken', arguments: {} });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe('chain_broken failed: step "lookup" (steps_fail) failed: refused: no such customer');
    expect(setup.deps.events).toEqual(['note fine', 'fail no such customer']);
  });

  it('stops at a step the policy denies, exactly as if the model had called it', async () => {
    const result = await setup.client.callTool({ name: 'chain_secretive', arguments: {} });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe('chain_secretive failed: step "leak" (steps_note) failed: The hub\'s policy does not allow steps_note with these arguments.');
    expect(setup.deps.events).toEqual(['note public']);
    // TODO(#14): a step that needs approval waits for it (or fails when refused), once approvals hold calls.
  });

  it('retries a step that answers with an error, as configured', async () => {
    const result = await setup.client.callTool({ name: 'chain_retrying', arguments: {} });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ flaky: { attempts: 3 } });
  });

  it('a cancel stops the running step and starts no other', async () => {
    const controller = new AbortController();
    const call = setup.client.callTool({ name: 'chain_slowpoke', arguments: {} }, { signal: controller.signal });
    await waitFor(() => setup.deps.events.includes('start long'), 5000, 'the long step to start');
    controller.abort();
    await expect(call).rejects.toThrow();
    await waitFor(() => setup.deps.events.includes('aborted long'), 5000, 'the long step to be aborted');
    // Give a wrongly continuing chain the time to start its next step.
    await new Promise((r) => setTimeout(r, 300));
    expect(setup.deps.events).toEqual(['start long', 'aborted long']);
  });
});

describe('service chains on BullMQ after a restart', () => {
  let setup: Setup | undefined;
  afterEach(async () => {
    await stop(setup);
    setup = undefined;
  });

  it('resume at the first step that had not finished: nothing that finished runs again', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const fast = { lockDurationMs: 2500, stalledIntervalMs: 500 };
    setup = await start('bullmq', gate, fast);
    const { deps, fixture, namespace } = setup;
    void setup.client.callTool({ name: 'chain_resumable', arguments: {} }).catch(() => undefined);
    await waitFor(() => deps.events.includes('hang two'), 5000, 'the second step to start');
    // The hub's chain runner stops in the middle of step two: it records no outcome for it.
    await setup.runners[0]!.close();
    open();
    // Another hub process starts its runner on the same queue; BullMQ hands it the stalled step.
    const restarted = new BullChainRunner({ redisUrl: REDIS_URL, namespace, logger: silent, keepMs: 60_000, ...fast });
    setup.runners.push(restarted);
    await restarted.start((name, args, options) => fixture.hub.callTool(name, args, options), compileChains(CHAINS));
    const keys = new JobKeys(namespace);
    const queue = new Queue(keys.chainQueue, { connection: { url: REDIS_URL }, prefix: keys.prefix });
    try {
      let chain: { returnvalue: unknown } | undefined;
      await waitFor(() => deps.events.includes('note three'), 10_000, 'the third step');
      const until = Date.now() + 5000;
      while (!chain && Date.now() < until) {
        chain = (await queue.getJobs(['completed'])).find((job) => !job.id!.includes('.'));
        if (!chain) await new Promise((r) => setTimeout(r, 50));
      }
      expect(chain?.returnvalue).toEqual({ one: { text: 'one', principal: 'tester' }, two: { label: 'two' }, three: { text: 'three', principal: 'tester' } });
      expect(deps.events.filter((event) => event === 'note one')).toHaveLength(1);
      expect(deps.events.filter((event) => event === 'note three')).toHaveLength(1);
    } finally {
      await queue.close();
    }
  });
});

describe('service chains on BullMQ without Redis', () => {
  it('the hub starts, and a chain call fails with a short generic error instead of hanging', async () => {
    const closed = await freePort();
    const runner = new BullChainRunner({ redisUrl: `redis://127.0.0.1:${closed}`, namespace: 'chaintest-down', logger: silent, redisWaitMs: 300 });
    const chains = new HubChains({ plans: compileChains(CHAINS), runner, logger: silent });
    const fixture = new HubFixture();
    try {
      await fixture.start({}, 5000, { chains });
      fixture.connectors.push(await runConnector(stepsConnector, { bus: fixture.bus, deps: { events: [], flaky: new Map(), gate: Promise.resolve() }, heartbeatMs: 2000, logger: silent }) as never);
      await waitFor(() => fixture.hub.inventory.replicaCount('steps') > 0);
      const result = await fixture.hub.callTool('chain_retrying', {}, { principal: { id: 'tester', scopes: ['*'] } });
      expect(result).toEqual({ content: [{ type: 'text', text: 'The hub could not run chain_retrying. The failure has been logged.' }], isError: true });
    } finally {
      await fixture.stop();
      await runner.close();
    }
  });
});
