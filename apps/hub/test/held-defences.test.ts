import { randomUUID } from 'node:crypto';
import { HubFixture } from './hub-fixture';
import { initialize, send } from './raw-http';

/** Defences a red-team run found holding (issue 9, "What held"): kept under test so they keep holding. */
describe('defences that held', () => {
  let fixture: HubFixture;
  beforeAll(async () => {
    fixture = await new HubFixture().start();
    await fixture.addConnector('echo');
  });
  afterAll(() => fixture.stop());

  const legacy = (sessionId: string) => ({ 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' });
  const openSession = async () => {
    const response = await send(fixture.url, { body: initialize() });
    const sessionId = response.headers['mcp-session-id'] as string;
    await send(fixture.url, { body: { jsonrpc: '2.0', method: 'notifications/initialized' }, headers: legacy(sessionId) });
    return sessionId;
  };

  it('never lets a client choose its session id (fixation) or guess one (forgery)', async () => {
    const chosen = randomUUID();
    const fixation = await send(fixture.url, { body: initialize(), headers: legacy(chosen) });
    expect(fixation.status).toBe(404);
    expect((await send(fixture.url, { body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, headers: legacy(chosen) })).status).toBe(404);
    const issued = await openSession();
    expect(issued).not.toBe(chosen);
    expect((await send(fixture.url, { body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, headers: legacy(randomUUID()) })).status).toBe(404);
  });

  it.each(['null', 'http://localhost.evil.example', 'http://127.0.0.1.evil.example', 'https://evil.example:3000', 'file://', 'not a url'])('refuses Origin %s with 403', async (origin) => {
    expect((await send(fixture.url, { body: initialize(), headers: { origin } })).status).toBe(403);
  });

  it('ignores prototype keys in arguments and client descriptions', async () => {
    const pollution = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}';
    const init = JSON.stringify(initialize()).replace('"capabilities":{}', `"capabilities":{"experimental":${pollution}}}`);
    expect((await send(fixture.url, { body: init })).status).toBe(200);
    const sessionId = await openSession();
    const call = `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo_echo","arguments":${pollution},"text":"x"}}}`;
    const response = await send(fixture.url, { body: call, headers: legacy(sessionId) });
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await (await fixture.client()).callTool({ name: 'echo_echo', arguments: { text: 'fine' } })).structuredContent).toEqual({ text: 'fine' });
  });

  it('answers a batch of requests without failing, and keeps serving the session', async () => {
    const sessionId = await openSession();
    const batch = Array.from({ length: 50 }, (_, i) => ({ jsonrpc: '2.0', id: 100 + i, method: 'tools/call', params: { name: 'echo_echo', arguments: { text: `n${i}` } } }));
    const response = await send(fixture.url, { body: batch, headers: legacy(sessionId) });
    expect(response.status).toBeLessThan(500);
    const after = await send(fixture.url, { body: { jsonrpc: '2.0', id: 1, method: 'tools/list' }, headers: legacy(sessionId) });
    expect(after.messages[0]).toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
  });

  it('does not let one session cancel the requests of another', async () => {
    const victim = await fixture.client();
    const call = victim.callTool({ name: 'echo_slow', arguments: { steps: 10, step_ms: 30 } });
    const attacker = await openSession();
    // The SDK numbers requests from 0: cancel every id the victim could be using, in both forms.
    const cancellations = Array.from({ length: 20 }, (_, i) => [i, String(i)]).flat().map((requestId) => ({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'hijack' } }));
    for (const cancellation of cancellations) await send(fixture.url, { body: cancellation, headers: legacy(attacker) });
    expect(await call).toMatchObject({ structuredContent: { completed: 10 } });
    expect(fixture.deps.aborted).toEqual([]);
  });
});
