import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, RedisServerProcess, freePort } from '@mcp-hub/bus/testing';
import { CliProcess } from './support/cli-process';
import { waitFor } from './support/wait-for';
import { RoundRobinProxy } from './support/round-robin-proxy';

const ECHO_FIXTURE = path.join(__dirname, 'fixtures/echo-connector-main.ts');

/**
 * Two hub replicas behind a round-robin balancer without affinity, sharing 2025 sessions in a
 * Redis of the test's own: every request of a session may land on either replica.
 */
describe('hub replicas sharing sessions in Redis behind a round-robin balancer', () => {
  let nats: NatsServerProcess;
  let redis: RedisServerProcess;
  let proxy: RoundRobinProxy;
  const hubs: CliProcess[] = [];
  const hubUrls: string[] = [];
  const processes: CliProcess[] = [];
  const clients: Client[] = [];

  const connect = async (url = proxy.url) => {
    const client = new Client({ name: 'replicas-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    clients.push(client);
    return client;
  };
  const sessionOf = (client: Client) => (client.transport as unknown as { sessionId: string }).sessionId;
  const toolNames = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);
  const echo = async (id: string) => {
    const replica = CliProcess.fixture(ECHO_FIXTURE, { NATS_URL: nats.url, ECHO_ID: id, HEARTBEAT_MS: '500' }, `${id} connector`);
    processes.push(replica);
    await replica.waitForOutput(/echo connector ready/);
    return replica;
  };
  /** A raw POST straight to one replica, bypassing the balancer. */
  const postTo = (url: string, sessionId: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });

  beforeAll(async () => {
    [nats, redis] = await Promise.all([NatsServerProcess.start(), RedisServerProcess.start()]);
    for (const name of ['hub A', 'hub B']) {
      const port = await freePort();
      const hub = CliProcess.mcpHub(['hub', '--port', String(port), '--nats', nats.url], { REDIS_URL: redis.url, LOG_LEVEL: 'debug' }, name);
      hubs.push(hub);
    }
    // Generous: two hubs compile from source at once, on a machine that may be running other suites.
    for (const hub of hubs) hubUrls.push((await hub.waitForOutput(/MCP hub serving (http:\/\/\S+)/, 60_000))[1]!);
    proxy = await RoundRobinProxy.start(hubUrls);
    await echo('echo');
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await proxy?.close();
    for (const p of [...processes, ...hubs]) await p.stop();
    await Promise.all([nats?.stop(), redis?.stop()]);
  });

  it('serves one session from both replicas: list, call, subscribe, updates and list_changed on the GET stream, DELETE then 404 everywhere', async () => {
    const client = await connect();
    const session = sessionOf(client);
    const updates: string[] = [];
    let listChanges = 0;
    client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
    client.setNotificationHandler('notifications/tools/list_changed', () => void listChanges++);
    await waitFor(async () => (await toolNames(client)).includes('echo_echo'), 5000, 'echo listed');
    for (let i = 0; i < 6; i++) {
      expect((await client.callTool({ name: 'echo_echo', arguments: { text: `n${i}` } })).structuredContent).toEqual({ text: `n${i}` });
    }
    const ofSession = () => proxy.log.filter((r) => r.session === session);
    await waitFor(() => ofSession().some((r) => r.method === 'GET'), 3000, 'the GET stream');
    const calls = ofSession().filter((r) => r.rpc.includes('tools/call'));
    expect(new Set(calls.map((r) => r.backend))).toEqual(new Set([0, 1]));
    expect(ofSession().filter((r) => r.status !== 200 && r.status !== 202)).toEqual([]);

    // Subscribe on the replica that does not hold the GET stream: the update still reaches the client.
    const streamBackend = ofSession().find((r) => r.method === 'GET')!.backend;
    proxy.pinNext(1 - streamBackend);
    await client.subscribeResource({ uri: 'echo://items/a' });
    expect(ofSession().find((r) => r.rpc.includes('resources/subscribe'))!.backend).toBe(1 - streamBackend);
    await client.callTool({ name: 'echo_touch', arguments: { uri: 'echo://items/b' } });
    await client.callTool({ name: 'echo_touch', arguments: { uri: 'echo://items/a' } });
    await waitFor(() => updates.length >= 1, 3000, 'resources/updated');
    expect(updates).toEqual(['echo://items/a']);

    // A connector joining: whichever replica holds the GET stream tells the client.
    await echo('later');
    await waitFor(() => listChanges >= 1, 3000, 'tools/list_changed');
    await waitFor(async () => (await toolNames(client)).includes('later_echo') && (await toolNames(client)).includes('later_echo'), 3000, 'later listed on both');

    await (client.transport as unknown as { terminateSession(): Promise<void> }).terminateSession();
    for (const url of hubUrls) await waitFor(async () => (await postTo(url, session)).status === 404, 1000, `404 from ${url}`);
  }, 60_000);

  it('carries a cancellation that reaches the other replica to the call running on the first', async () => {
    const connector = processes[0]!;
    const client = await connect();
    const session = sessionOf(client);
    await waitFor(async () => (await toolNames(client)).includes('echo_slow'), 5000, 'echo listed');
    const controller = new AbortController();
    const pending = client.callTool({ name: 'echo_slow', arguments: { steps: 500, step_ms: 10 } }, { signal: controller.signal });
    const callOf = () => proxy.log.find((r) => r.session === session && r.rpc.includes('tools/call'));
    await waitFor(() => callOf() !== undefined, 3000, 'the call sent');
    await new Promise((r) => setTimeout(r, 200)); // running on the connector by now
    const callBackend = callOf()!.backend;
    proxy.pinNext(1 - callBackend);
    controller.abort('stop');
    await expect(pending).rejects.toThrow();
    await waitFor(() => proxy.log.some((r) => r.session === session && r.rpc.includes('notifications/cancelled')), 3000, 'the cancellation sent');
    expect(proxy.log.find((r) => r.session === session && r.rpc.includes('notifications/cancelled'))!.backend).toBe(1 - callBackend);
    // The handler on the connector stopped: well before the 5 s the call would otherwise take.
    await connector.waitForOutput(/"kind":"cancelled".*call failed|call failed.*"kind":"cancelled"/, 3000);
  }, 30_000);

  it('keeps serving through a Redis restart: held sessions go on and are restored, new sessions work after it, no replica crashes', async () => {
    const before = await connect();
    await waitFor(async () => (await toolNames(before)).includes('echo_echo'), 3000, 'listed');
    await before.callTool({ name: 'echo_echo', arguments: { text: 'warm both replicas' } });
    const heldSession = sessionOf(before);

    await redis.kill();
    // Both replicas hold this session (requests went to each), so it is served during the outage.
    for (let i = 0; i < 4; i++) {
      expect((await before.callTool({ name: 'echo_echo', arguments: { text: `outage ${i}` } })).structuredContent).toEqual({ text: `outage ${i}` });
    }
    // A session neither replica holds cannot be looked up: 503 (retry), not 404 (which would make clients drop it).
    expect((await postTo(hubUrls[0]!, '00000000-0000-4000-8000-00000000dead')).status).toBe(503);

    await redis.restart();
    for (const hub of hubs) await hub.waitForOutput(/held sessions restored into the session store/, 10_000);
    // The restored session is again known to the store: a replica that lets go of it can take it back.
    for (const url of hubUrls) expect((await postTo(url, heldSession)).status).toBe(200);
    expect((await before.callTool({ name: 'echo_echo', arguments: { text: 'after' } })).structuredContent).toEqual({ text: 'after' });

    const after = await connect();
    for (let i = 0; i < 4; i++) {
      expect((await after.callTool({ name: 'echo_echo', arguments: { text: `fresh ${i}` } })).structuredContent).toEqual({ text: `fresh ${i}` });
    }
    const backends = new Set(proxy.log.filter((r) => r.session === sessionOf(after)).map((r) => r.backend));
    expect(backends).toEqual(new Set([0, 1]));
    for (const hub of hubs) expect(hub.child.exitCode).toBeNull();
  }, 60_000);

  it('answers a session id the store does not know with 404; the SDK client reports it and does not re-initialize by itself', async () => {
    const stale = new Client({ name: 'stale', version: '1.0.0' });
    await stale.connect(new StreamableHTTPClientTransport(new URL(proxy.url), { sessionId: '00000000-0000-4000-8000-0000000000ff' }));
    clients.push(stale);
    await expect(stale.ping()).rejects.toThrow(/Session not found/);
    await expect(stale.ping()).rejects.toThrow(/Session not found/);
    // The application's remedy: a new client, i.e. a new initialize.
    const fresh = await connect();
    expect(await toolNames(fresh)).toContain('echo_echo');
  }, 30_000);
});
