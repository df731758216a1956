import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { CliProcess } from './support/cli-process';
import { waitFor } from './support/wait-for';

const ECHO_FIXTURE = path.join(__dirname, 'fixtures/echo-connector-main.ts');

/**
 * The distributed mode as operators run it: a hub process and connector processes on a NATS
 * server of the test's own (so it can be killed and restarted), an MCP SDK client over HTTP.
 */
describe('distributed: hub and connectors as separate processes over NATS', () => {
  let nats: NatsServerProcess;
  let hub: CliProcess;
  let url: string;
  const processes: CliProcess[] = [];
  const clients: Client[] = [];

  const echo = async (id = 'echo', heartbeatMs = 500) => {
    const replica = CliProcess.fixture(ECHO_FIXTURE, { NATS_URL: nats.url, ECHO_ID: id, HEARTBEAT_MS: String(heartbeatMs) }, `${id} replica`);
    processes.push(replica);
    await replica.waitForOutput(/echo connector ready/);
    return replica;
  };

  const connect = async () => {
    const client = new Client({ name: 'distributed-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    clients.push(client);
    return client;
  };

  const toolNames = async (client: Client) => (await client.listTools()).tools.map((t) => t.name);

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
    const port = await freePort();
    hub = CliProcess.mcpHub(['hub', '--port', String(port), '--nats', nats.url], {}, 'hub');
    processes.push(hub);
    url = (await hub.waitForOutput(/MCP hub serving (http:\/\/\S+)/))[1]!;
  }, 60_000);

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close().catch(() => undefined);
    for (const p of processes.filter((p) => p !== hub)) await p.stop();
    processes.splice(0, processes.length, hub);
  });

  afterAll(async () => {
    await hub?.stop();
    await nats?.stop();
  });

  it('shows a connector that starts within 2 s, with list_changed, and drops it at once when it stops cleanly', async () => {
    const client = await connect();
    const changes: number[] = [];
    client.setNotificationHandler('notifications/tools/list_changed', () => void changes.push(Date.now()));
    const replica = await echo('joiner');
    const readyAt = Date.now(); // the replica has announced itself; process start-up is not the hub's time
    await waitFor(() => changes.length >= 1, 2000, 'list_changed within 2 s of the replica being ready');
    expect(changes[0]! - readyAt).toBeLessThan(2000);
    expect(await toolNames(client)).toContain('joiner_echo');
    const stoppedAt = Date.now();
    replica.kill('SIGTERM');
    await waitFor(() => changes.length >= 2, 2000, 'list_changed after clean stop');
    expect(changes[1]! - stoppedAt).toBeLessThan(1500);
    expect(await toolNames(client)).not.toContain('joiner_echo');
  }, 30_000);

  it('drops a killed connector within 10 s', async () => {
    const client = await connect();
    const replica = await echo('victim', 1000);
    await waitFor(async () => (await toolNames(client)).includes('victim_echo'), 3000, 'victim listed');
    const killedAt = Date.now();
    replica.kill('SIGKILL');
    await waitFor(async () => !(await toolNames(client)).includes('victim_echo'), 10_000, 'victim dropped');
    expect(Date.now() - killedAt).toBeLessThan(10_000);
  }, 30_000);

  it('spreads calls over two replicas of one connector', async () => {
    const a = await echo('shared');
    const b = await echo('shared');
    const client = await connect();
    await waitFor(async () => (await toolNames(client)).includes('shared_echo'), 3000, 'shared listed');
    for (let i = 0; i < 40; i++) {
      expect((await client.callTool({ name: 'shared_echo', arguments: { text: `n${i}` } })).structuredContent).toEqual({ text: `n${i}` });
    }
    // Log lines reach the pipe a moment after the reply does.
    await waitFor(() => a.count(/call served/) + b.count(/call served/) === 40, 2000, 'forty log lines');
    const servedA = a.count(/call served/);
    const servedB = b.count(/call served/);
    expect(servedA).toBeGreaterThan(5);
    expect(servedB).toBeGreaterThan(5);
  }, 30_000);

  it('relays progress and carries a cancellation across processes to the handler', async () => {
    const replica = await echo('remote');
    const client = await connect();
    await waitFor(async () => (await toolNames(client)).includes('remote_slow'), 3000, 'remote listed');
    const seen: number[] = [];
    await client.callTool({ name: 'remote_slow', arguments: { steps: 3, step_ms: 10 } }, { onprogress: (p) => seen.push(p.progress) });
    await waitFor(() => seen.length === 3, 2000, 'progress');
    const controller = new AbortController();
    const pending = client.callTool({ name: 'remote_slow', arguments: { steps: 500, step_ms: 10 } }, { signal: controller.signal });
    setTimeout(() => controller.abort('stop'), 300);
    await expect(pending).rejects.toThrow();
    await replica.waitForOutput(/"kind":"cancelled".*call failed|call failed.*"kind":"cancelled"/, 3000);
  }, 30_000);

  it('lets in-flight calls finish when a connector gets SIGTERM', async () => {
    const replica = await echo('draining');
    const client = await connect();
    await waitFor(async () => (await toolNames(client)).includes('draining_slow'), 3000, 'listed');
    const pending = client.callTool({ name: 'draining_slow', arguments: { steps: 10, step_ms: 50 } });
    await new Promise((r) => setTimeout(r, 150));
    replica.kill('SIGTERM');
    expect((await pending).structuredContent).toEqual({ completed: 10 });
    expect(await replica.exited()).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('retries an idempotent call on another replica when the one running it is killed', async () => {
    const first = await echo('failover', 500);
    const client = await connect();
    await waitFor(async () => (await toolNames(client)).includes('failover_slow'), 3000, 'listed');
    const pending = client.callTool({ name: 'failover_slow', arguments: { steps: 20, step_ms: 50 } });
    await first.waitForOutput(/"msg":"call served"|started/, 3000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200)); // the call is running on the first replica
    await echo('failover', 500);
    first.kill('SIGKILL');
    const started = Date.now();
    const result = await pending;
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ completed: 20 });
    expect(Date.now() - started).toBeLessThan(10_000); // expiry (3 beats) + one full run, far below the 30 s deadline
  }, 30_000);

  it('fails a non-idempotent call at once when its replica is killed, without sending it twice', async () => {
    const first = await echo('single', 500);
    const client = await connect();
    await waitFor(async () => (await toolNames(client)).includes('single_slow_once'), 3000, 'listed');
    const pending = client.callTool({ name: 'single_slow_once', arguments: { steps: 200, step_ms: 50 } });
    await new Promise((r) => setTimeout(r, 300));
    const second = await echo('single', 500);
    first.kill('SIGKILL');
    const killedAt = Date.now();
    const result = await pending;
    expect(result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('stopped while handling this call') }] });
    expect(Date.now() - killedAt).toBeLessThan(3000);
    expect(second.count(/single_slow_once|slow_once/)).toBe(0);
  }, 30_000);

  it('fails calls fast while NATS is down and serves again within 5 s of its return', async () => {
    await echo('survivor');
    const client = await connect();
    await waitFor(async () => (await toolNames(client)).includes('survivor_echo'), 3000, 'listed');
    await nats.kill();
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const during = await client.callTool({ name: 'survivor_echo', arguments: { text: 'x' } });
    expect(during).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('unavailable') }] });
    expect(Date.now() - started).toBeLessThan(10_000); // failed by the bus state, far before the 30 s call deadline
    const restartedAt = Date.now();
    await nats.restart();
    await waitFor(async () => {
      const result = await client.callTool({ name: 'survivor_echo', arguments: { text: 'back' } });
      return !result.isError;
    }, 5000, 'serving again');
    expect(Date.now() - restartedAt).toBeLessThan(5000);
  }, 30_000);

  it('lets in-flight calls finish when the hub gets SIGTERM, then exits cleanly', async () => {
    const port = await freePort();
    const second = CliProcess.mcpHub(['hub', '--port', String(port), '--nats', nats.url], {}, 'second hub');
    processes.push(second);
    const secondUrl = (await second.waitForOutput(/MCP hub serving (http:\/\/\S+)/))[1]!;
    await echo('longcall');
    const client = new Client({ name: 't', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(secondUrl)));
    clients.push(client);
    await waitFor(async () => (await toolNames(client)).includes('longcall_slow'), 3000, 'listed');
    const pending = client.callTool({ name: 'longcall_slow', arguments: { steps: 10, step_ms: 50 } });
    await new Promise((r) => setTimeout(r, 150));
    second.kill('SIGTERM');
    expect((await pending).structuredContent).toEqual({ completed: 10 });
    expect(await second.exited()).toEqual({ code: 0, signal: null });
  }, 30_000);
});
