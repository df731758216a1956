import { z } from 'zod';
import { NatsBus } from '@mcp-hub/bus';
import { defineConnector, defineTool, runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { HubFixture, silent, waitFor } from './hub-fixture';

/** A connector whose result is as large as the call asks. */
const bulky = defineConnector({
  id: 'bulky',
  version: '1.0.0',
  tools: [
    defineTool({
      name: 'blob',
      description: 'Returns a text of the given size.',
      input: z.object({ bytes: z.number().int().min(0).max(8_000_000), padding: z.string().optional() }),
      output: z.object({ size: z.number() }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      handler: async ({ bytes }) => ({ structured: { size: bytes }, text: 'x'.repeat(bytes) }),
    }),
  ],
});

describe('payloads larger than the bus carries (NATS max_payload, 1 MiB on the test server)', () => {
  let hubBus: NatsBus;
  let connectorBus: NatsBus;
  let fixture: HubFixture;
  let service: ConnectorService<unknown>;

  beforeAll(async () => {
    hubBus = await NatsBus.connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'hub' });
    connectorBus = await NatsBus.connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'bulky' });
    fixture = await new HubFixture(hubBus).start({ maxBodyBytes: 4 * 1024 * 1024 }, 10_000);
    service = (await runConnector(bulky, { bus: connectorBus, deps: undefined, logger: silent })) as ConnectorService<unknown>;
    await waitFor(() => fixture.hub.inventory.replicaCount('bulky') > 0, 5000, 'bulky');
  });

  afterAll(async () => {
    await service?.stop();
    await fixture?.stop();
    await connectorBus?.close();
  });

  // The call deadline is 10 s: an answer well before it shows nobody waited for a reply that could not come.
  it('a result over the limit fails at once with an error the model can act on, and the next call works', async () => {
    const client = await fixture.client();
    const started = Date.now();
    const result = await client.callTool({ name: 'bulky_blob', arguments: { bytes: 2_000_000 } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/larger than the hub can carry.*Ask for less/) }] });
    const small = await client.callTool({ name: 'bulky_blob', arguments: { bytes: 10 } });
    expect(small.isError).toBeFalsy();
  });

  it('arguments over the limit fail at once with an error that says so, not "unavailable"', async () => {
    const client = await fixture.client();
    const started = Date.now();
    const result = await client.callTool({ name: 'bulky_blob', arguments: { bytes: 1, padding: 'p'.repeat(1_500_000) } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/larger than the hub can send to the bulky connector/) }] });
  });
});
