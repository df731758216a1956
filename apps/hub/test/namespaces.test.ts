import { randomBytes } from 'node:crypto';
import { NatsBus } from '@mcp-hub/bus';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createEchoConnector, type EchoDeps } from '@mcp-hub/connector-kit/testing';
import { Hub } from '../src/hub';
import { silent, waitFor } from './hub-fixture';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const principal = { id: 'tester', scopes: ['*'] };

/** One deployment: a hub and a replica of connector `echo`, on the machine's shared NATS. */
interface Deployment {
  bus: NatsBus;
  hub: Hub;
  replica: ConnectorService<EchoDeps>;
}

async function deploy(namespace: string): Promise<Deployment> {
  const bus = await NatsBus.connect({ servers: NATS_URL, name: `namespace-test-${namespace}` });
  const hub = new Hub({ bus, hubId: `hub-${namespace}`, logger: silent, namespace, sweepMs: 200 });
  await hub.start();
  const replica = await runConnector(createEchoConnector('echo'), { bus, deps: { aborted: [] } as EchoDeps, namespace, heartbeatMs: 300, logger: silent });
  await waitFor(() => hub.inventory.replicaCount('echo') > 0);
  return { bus, hub, replica };
}

// Issue 10, item 2: two deployments on one NATS merged (each listed the other's connectors, and
// calls alternated between their replicas).
describe('two deployments with their own namespaces on one NATS', () => {
  const suffix = randomBytes(3).toString('hex');
  let a: Deployment;
  let b: Deployment;

  beforeAll(async () => {
    a = await deploy(`ta${suffix}`);
    b = await deploy(`tb${suffix}`);
    // Let heartbeats and the discovery each hub sent at start cross the bus.
    await new Promise((r) => setTimeout(r, 1000));
  });

  afterAll(async () => {
    for (const d of [a, b]) {
      d?.hub.stop();
      await d?.replica.stop();
      await d?.bus.close();
    }
  });

  it('each hub sees only its own replica of a connector with the same id', () => {
    expect(a.hub.inventory.replicaCount('echo')).toBe(1);
    expect(b.hub.inventory.replicaCount('echo')).toBe(1);
    expect(a.hub.inventory.served('echo')?.replicaId).toBe(a.replica.replicaId);
    expect(b.hub.inventory.served('echo')?.replicaId).toBe(b.replica.replicaId);
  });

  it("each hub's calls reach only its own deployment's replica", async () => {
    for (const [mine, theirs] of [
      [a, b],
      [b, a],
    ] as const) {
      const call = mine.hub.callTool('echo_slow', { steps: 2, step_ms: 150 }, { principal });
      await waitFor(() => mine.replica.inFlight === 1, 2000, 'the call to reach the own replica');
      expect(theirs.replica.inFlight).toBe(0);
      expect(await call).toMatchObject({ structuredContent: { completed: 2 } });
    }
  });
});
