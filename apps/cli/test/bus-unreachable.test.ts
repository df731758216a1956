import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { CliProcess } from './support/cli-process';
import { waitFor } from './support/wait-for';

/**
 * A hub or connector started while NATS is unreachable says so at once and on every retry,
 * serves /healthz (and a /readyz that names the bus) meanwhile, gives up after --wait-for-bus
 * naming the URL, and comes up by itself when the server appears.
 */
describe('distributed processes started before NATS is reachable', () => {
  const processes: CliProcess[] = [];
  let nats: NatsServerProcess | undefined;

  afterEach(async () => {
    for (const p of processes.splice(0)) await p.stop();
    await nats?.stop();
    nats = undefined;
  });

  const get = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, body: (await response.json()) as { status: string; reason?: string; connectors: number } };
  };

  it('serves /healthz at once, /readyz 503 naming the bus, logs retries, and turns ready when NATS starts', async () => {
    const natsPort = await freePort();
    const natsUrl = `nats://127.0.0.1:${natsPort}`;
    const port = await freePort();
    const hub = CliProcess.mcpHub(['hub', '--port', String(port), '--nats', natsUrl], {}, 'hub');
    const helpdesk = CliProcess.mcpHub(['connector', 'helpdesk', '--nats', natsUrl], { HELPDESK_SQLITE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'bus-wait-')), 'h.sqlite') }, 'helpdesk');
    processes.push(hub, helpdesk);

    await hub.waitForOutput(/MCP hub serving/);
    const base = `http://127.0.0.1:${port}`;
    expect((await get(`${base}/healthz`)).status).toBe(200);
    const notReady = await get(`${base}/readyz`);
    expect(notReady).toEqual({ status: 503, body: { status: 'not ready', reason: `bus: connecting to ${natsUrl}`, connectors: 0 } });
    for (const proc of [hub, helpdesk]) {
      await proc.waitForOutput(new RegExp(`connecting to NATS at ${natsUrl}`));
      await proc.waitForOutput(/not reachable.*retrying in \d+ ms/);
      await waitFor(() => proc.count(/not reachable.*retrying in/) >= 2, 10_000, 'a second retry line');
    }

    nats = await NatsServerProcess.start(natsPort);
    await waitFor(async () => (await get(`${base}/readyz`)).status === 200, 15_000, '/readyz 200 once NATS is up');
    await helpdesk.waitForOutput(/connector serving/, 15_000);
    await waitFor(async () => (await get(`${base}/readyz`)).body.connectors === 1, 10_000, 'helpdesk announced');
  }, 60_000);

  it.each([
    ['hub', ['hub', '--port', '0']],
    ['connector', ['connector', 'helpdesk']],
  ])('a %s gives up after --wait-for-bus, exits 1 and names the URL without its credentials', async (_, args) => {
    const natsPort = await freePort();
    const proc = CliProcess.mcpHub([...args, '--nats', `nats://operator:s3cret@127.0.0.1:${natsPort}`, '--wait-for-bus', '1'], { HELPDESK_SQLITE_PATH: ':memory:' });
    processes.push(proc);
    expect((await proc.exited(20_000)).code).toBe(1);
    expect(proc.output).toMatch(new RegExp(`mcp-hub: cannot reach NATS at nats://operator:\\[redacted\\]@127\\.0\\.0\\.1:${natsPort} after 1 s`));
    expect(proc.output).toMatch(/--wait-for-bus/);
    expect(proc.output).not.toContain('s3cret');
  }, 30_000);
});
