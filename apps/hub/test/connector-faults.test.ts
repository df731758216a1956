import { CONTRACT_VERSION, ManifestSchema, encode, manifestDigest, Subjects } from '@mcp-hub/connector-contract';
import { HubFixture, waitFor } from './hub-fixture';

const subjects = new Subjects();

const rogueManifest = ManifestSchema.parse({
  id: 'rogue',
  version: '1.0.0',
  contractVersion: CONTRACT_VERSION,
  tools: ['garbage', 'silent', 'absent', 'wrongshape'].map((name) => ({
    name,
    description: `${name} tool`,
    inputSchema: { type: 'object' },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  })),
});

/** A hand-made connector that breaks the contract in each way a buggy or hostile one could. */
function startRogue(fixture: HubFixture): void {
  const { bus } = fixture;
  bus.subscribe(subjects.invoke('rogue', 'garbage'), (m) => m.respond(new TextEncoder().encode('<html>oops password=s3cret</html>')));
  bus.subscribe(subjects.invoke('rogue', 'silent'), () => undefined);
  bus.subscribe(subjects.invoke('rogue', 'wrongshape'), (m) => m.respond(encode({ status: 'ok', result: { content: 'not an array', secret: 's3cret' } })));
  bus.publish(subjects.registry('rogue', 'announce'), encode({ replicaId: 'rogue-1', manifest: rogueManifest, manifestDigest: manifestDigest(rogueManifest), heartbeatMs: 60_000 }));
}

describe('hub facing a faulty connector', () => {
  let fixture: HubFixture;
  beforeEach(async () => {
    fixture = await new HubFixture().start({}, 400);
    startRogue(fixture);
    await waitFor(() => fixture.hub.inventory.replicaCount('rogue') === 1);
  });
  afterEach(() => fixture.stop());

  it('turns a garbage reply into a short generic tool error without leaking it', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'rogue_garbage', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'The rogue connector sent an invalid answer. The problem has been logged.' }] });
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('turns a reply of the wrong shape into the same generic error', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'rogue_wrongshape', arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('times out a connector that never replies, at the configured deadline', async () => {
    const client = await fixture.client();
    const started = Date.now();
    const result = await client.callTool({ name: 'rogue_silent', arguments: {} });
    expect(result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('did not answer in time') }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });

  it('reports a tool nobody serves as unavailable (no responders), not as a timeout', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'rogue_absent', arguments: {} });
    // The message tells the two apart: a timeout would say "did not answer in time".
    expect(result).toMatchObject({ isError: true, content: [{ text: 'The rogue connector is unavailable right now. Try again in a moment.' }] });
  });

  it('ignores malformed and incompatible announcements', async () => {
    fixture.bus.publish(subjects.registry('rogue', 'announce'), new TextEncoder().encode('{"replicaId":"x"}'));
    const future = { ...rogueManifest, id: 'future', contractVersion: '99.0.0' };
    fixture.bus.publish(subjects.registry('future', 'announce'), encode({ replicaId: 'future-1', manifest: future, manifestDigest: manifestDigest(future), heartbeatMs: 1000 }));
    await fixture.bus.flush();
    await new Promise((r) => setTimeout(r, 50));
    expect(fixture.hub.inventory.connectorIds()).toEqual(['rogue']);
  });

  it('keeps serving other calls after all of this', async () => {
    await fixture.addConnector('echo');
    const client = await fixture.client();
    await client.callTool({ name: 'rogue_garbage', arguments: {} });
    expect((await client.callTool({ name: 'echo_echo', arguments: { text: 'ok' } })).structuredContent).toEqual({ text: 'ok' });
  });
});

describe('hub while its bus is down', () => {
  it('fails calls fast with a clear error and serves again once the bus is back', async () => {
    const fixture = await new HubFixture().start();
    try {
      await fixture.addConnector('echo');
      const client = await fixture.client();
      (fixture.bus as unknown as { setConnected(c: boolean): void }).setConnected(false);
      const started = Date.now();
      const down = await client.callTool({ name: 'echo_echo', arguments: { text: 'x' } });
      expect(down).toMatchObject({ isError: true, content: [{ text: 'The echo connector is unavailable right now. Try again in a moment.' }] });
      expect(Date.now() - started).toBeLessThan(500);
      expect((await fetch(fixture.url.replace('/mcp', '/readyz'))).status).toBe(503);
      (fixture.bus as unknown as { setConnected(c: boolean): void }).setConnected(true);
      expect((await client.callTool({ name: 'echo_echo', arguments: { text: 'back' } })).structuredContent).toEqual({ text: 'back' });
    } finally {
      await fixture.stop();
    }
  });
});
