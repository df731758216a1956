import type { ConnectorService } from '@mcp-hub/connector-kit';
import type { EchoDeps } from '@mcp-hub/connector-kit/testing';
import { HubFixture, waitFor } from './hub-fixture';

/**
 * Replicas at their concurrency cap refuse calls as `busy` before starting them, and the hub
 * sends such a call to the queue group again. The in-process bus hands a queue group's
 * messages out in turn (replica 1, 2, 1, 2, …), which makes the sequence below deterministic.
 */
describe('replicas at capacity', () => {
  let fixture: HubFixture;
  let replicas: ConnectorService<EchoDeps>[];
  beforeEach(async () => {
    fixture = await new HubFixture().start();
    replicas = [];
    for (let i = 0; i < 2; i++) replicas.push(await fixture.addConnector('echo', 2000, { maxConcurrency: 1 }));
    await waitFor(() => fixture.hub.inventory.replicaCount('echo') === 2);
  });
  afterEach(() => fixture.stop());

  const slow = (stepMs: number) => ({ name: 'echo_slow', arguments: { steps: 1, step_ms: stepMs } });
  const refused = () => replicas.map((r) => r.refusedBusy);

  /** One series' value from the hub's registry (the HTTP scrape and its parser are tested in metrics.test.ts). */
  async function metric(name: string, labels: Record<string, string>): Promise<number | undefined> {
    const { values } = await fixture.hub.metrics.registry.getSingleMetric(name)!.get();
    return values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value;
  }

  it('sends a call refused by a busy replica to the free one', async () => {
    const client = await fixture.client();
    const long = client.callTool(slow(400)); // replica 1, busy from now on
    await waitFor(() => replicas[0]!.inFlight === 1, 2000, 'the long call to start');
    await expect(client.callTool(slow(1))).resolves.toMatchObject({ structuredContent: { completed: 1 } }); // replica 2
    // Replica 1's turn again: it refuses, and the same call goes to replica 2.
    const redirected = await client.callTool(slow(1));
    expect(redirected).toMatchObject({ structuredContent: { completed: 1 } });
    expect(redirected.isError).toBeFalsy();
    expect(replicas[0]!.inFlight).toBe(1); // answered while the long call still runs: it did not wait for it
    expect(refused()).toEqual([1, 0]);
    expect(await metric('mcphub_busy_resends_total', { connector: 'echo' })).toBe(1);
    await expect(long).resolves.toMatchObject({ structuredContent: { completed: 1 } });
  });

  it('tells the client when every replica is at capacity, without starting the call anywhere', async () => {
    const client = await fixture.client();
    const longCalls = [client.callTool(slow(400)), client.callTool(slow(400))];
    await waitFor(() => replicas.every((r) => r.inFlight === 1), 2000, 'both replicas busy');
    const result = await client.callTool({ name: 'echo_echo', arguments: { text: 'one more' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/at capacity and did not start the call/);
    expect(replicas.map((r) => r.inFlight)).toEqual([1, 1]); // refused at once, not after the long calls
    // As many tries as there are replicas, one each in turn.
    expect(refused()).toEqual([1, 1]);
    expect(await metric('mcphub_busy_resends_total', { connector: 'echo' })).toBe(1);
    expect(await metric('mcphub_calls_total', { connector: 'echo', tool: 'echo_echo', outcome: 'busy' })).toBe(1);
    for (const call of longCalls) await expect(call).resolves.toMatchObject({ structuredContent: { completed: 1 } });
    // Capacity is back: the next call is served.
    await expect(client.callTool({ name: 'echo_echo', arguments: { text: 'again' } })).resolves.toMatchObject({ structuredContent: { text: 'again' } });
  });
});
