import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsBus } from '@mcp-hub/bus';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createEchoConnector, type EchoDeps } from '@mcp-hub/connector-kit/testing';
import type { Client } from '@modelcontextprotocol/client';
import { PolicyEngine } from '../src/policy/policy-engine';
import { HubFixture, silent, waitFor } from './hub-fixture';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

// Two rules change together: under OLD the reader may use echo_echo only, under NEW echo_whoami only.
const OLD = `
@id("readers-echo") permit (principal in McpHub::Role::"reader", action == McpHub::Action::"call", resource == McpHub::Tool::"echo_echo");
`;
const NEW = `
@id("readers-whoami") permit (principal in McpHub::Role::"reader", action == McpHub::Action::"call", resource == McpHub::Tool::"echo_whoami");
// a second rule, so that half of the edit would be a different policy
@id("readers-no-echo") forbid (principal in McpHub::Role::"reader", action == McpHub::Action::"call", resource == McpHub::Tool::"echo_echo");
`;

type Seen = 'old' | 'new';

/** What one response says about the policy it was answered under; anything else is a half-applied policy. */
function listState(names: string[]): Seen {
  if (names.join() === 'echo_echo') return 'old';
  if (names.join() === 'echo_whoami') return 'new';
  throw new Error(`tools/list shows a mix of two policies: [${names.join(', ')}]`);
}

async function callState(client: Client): Promise<Seen> {
  const outcome = async (name: string): Promise<'ok' | 'unknown'> => {
    try {
      const result = await client.callTool({ name, arguments: name === 'echo_echo' ? { text: 'hi' } : {} });
      // "the policy does not allow" would mean the list check and the decision read different policies.
      if (result.isError) throw new Error(`${name} answered ${JSON.stringify(result.content)}`);
      return 'ok';
    } catch (error) {
      if (/Unknown tool/.test((error as Error).message)) return 'unknown';
      throw error;
    }
  };
  const [echo, whoami] = [await outcome('echo_echo'), await outcome('echo_whoami')];
  if (echo === 'ok' && whoami === 'unknown') return 'old';
  if (echo === 'unknown' && whoami === 'ok') return 'new';
  // The edit landing between the two calls: echo_echo under the old policy, then echo_whoami under the new one.
  if (echo === 'ok' && whoami === 'ok') return 'new';
  throw new Error(`calls show no single policy: echo_echo ${echo}, echo_whoami ${whoami}`);
}

describe('policy hot reload under load, two hubs on NATS', () => {
  const namespace = `pol${randomBytes(3).toString('hex')}`;
  const hubs: HubFixture[] = [];
  const engines: PolicyEngine[] = [];
  let replica: ConnectorService<EchoDeps>;
  let connectorBus: NatsBus;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'policy-reload-'));
    file = join(dir, 'policy.cedar');
    await writeFile(file, OLD);
    for (let i = 0; i < 2; i++) {
      const engine = new PolicyEngine({ files: [file], logger: silent });
      await engine.start();
      engines.push(engine);
      const bus = await NatsBus.connect({ servers: NATS_URL, name: `policy-reload-${namespace}-${i}` });
      const hub = new HubFixture(bus);
      await hub.start({ principalFor: () => ({ id: 'rey', scopes: ['role:reader'] }) }, 5000, { namespace, policy: engine });
      hubs.push(hub);
    }
    connectorBus = await NatsBus.connect({ servers: NATS_URL, name: `policy-reload-${namespace}-echo` });
    replica = await runConnector(createEchoConnector('echo'), { bus: connectorBus, deps: { aborted: [] } as EchoDeps, namespace, heartbeatMs: 2000, logger: silent });
    for (const hub of hubs) await waitFor(() => hub.hub.inventory.replicaCount('echo') > 0, 5000, 'the connector');
  });

  afterAll(async () => {
    for (const hub of hubs) await hub.stop();
    for (const engine of engines) engine.stop();
    await replica?.stop();
    await connectorBus?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('every list and call sees all of the old policy or all of the new one, and never goes back', async () => {
    const clients = await Promise.all(hubs.flatMap((hub) => [hub.client('2025'), hub.client('2026')]));
    let edited = false;
    let oldSeen = 0;
    const newSeen = new Array<number>(clients.length).fill(0);
    const failures: Error[] = [];
    const deadline = Date.now() + 20_000;
    const loops = clients.map(async (client, i) => {
      let last: Seen = 'old';
      try {
        // Each client keeps going until it has seen the new policy five times.
        while (newSeen[i]! < 5) {
          if (Date.now() > deadline) throw new Error(`client ${i} never saw the new policy`);
          const states = [listState((await client.listTools()).tools.map((t) => t.name).sort()), await callState(client)];
          for (const state of states) {
            if (state === 'new' && !edited) throw new Error('the new policy was seen before the edit');
            if (state === 'old' && last === 'new') throw new Error('the old policy came back after the new one was seen');
            last = state;
          }
          if (last === 'new') newSeen[i]!++;
          else oldSeen++;
          if (failures.length > 0) return;
        }
      } catch (error) {
        failures.push(error as Error);
      }
    });
    // Let the load run under the old policy first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    edited = true;
    // A plain write (truncate, then write), as many editors save: the reload must not catch it half-written.
    await writeFile(file, NEW);
    await Promise.all(loops);
    expect(failures.map((f) => f.message)).toEqual([]);
    expect(oldSeen).toBeGreaterThan(0);
    for (const engine of engines) expect(engine.state).toMatchObject({ status: 'loaded', version: 2 });
  });
});
