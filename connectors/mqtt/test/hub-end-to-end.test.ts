import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort } from '@mcp-hub/bus/testing';
import { topicUri } from '../src/topic-uri';
import { MOSQUITTO_URL, TestDevice, uniquePrefix, waitFor } from './support';

const repoRoot = path.resolve(__dirname, '../../..');

/** `bin/mcp-hub <args>` as a child process, its output collected for the assertions and for a failing test's message. */
function mcpHub(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/mcp-hub'), ...args], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    get output() {
      return output;
    },
    waitForOutput: (text: string, timeoutMs = 60_000) => waitFor(() => output.includes(text), timeoutMs, `"${text}" from mcp-hub ${args[0]}:\n${output}`),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until the client's reading of `uri` shows `expected`: the connector has that message. */
async function readUntil(client: Client, uri: string, expected: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    const read = await client.readResource({ uri });
    if ((read.contents[0] as { text: string }).text.includes(expected)) return;
    if (tries > 100) throw new Error(`${uri} never showed ${expected}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The "done when", as a user runs it: `bin/mcp-hub start` with the connector configured,
 * an MCP client watching a device's telemetry live through the hub, reading its history and
 * publishing a command only where allowed. The device is a client of the machine's Mosquitto.
 */
describe('mqtt through the hub', () => {
  it('delivers resources/updated to a subscribed MCP client within 1 s of a device publishing, a burst as a few', async () => {
    const p = uniquePrefix();
    const dir = mkdtempSync(path.join(tmpdir(), 'mqtt-hub-'));
    const config = path.join(dir, 'hub.json');
    writeFileSync(
      config,
      JSON.stringify({
        connectors: {
          mqtt: {
            url: MOSQUITTO_URL,
            subscriptions: [{ filter: `${p}/sensors/#` }],
            publish: { allowTopics: [`${p}/cmd/+`] },
            writeMode: true,
            updateIntervalMs: 200,
          },
        },
      }),
    );
    const port = await freePort();
    const hub = mcpHub(['start', '--port', String(port), '--config', config, '--data-dir', dir]);
    const device = await TestDevice.connect();
    // A person behind the client approves every call the hub asks about: a publish needs an approval by default.
    const client = new Client({ name: 'iot-watcher', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { decision: 'approve' } }));
    try {
      await hub.waitForOutput(`serving http://127.0.0.1:${port}/mcp`);
      // Configured, mqtt runs beside the built-in connectors that need nothing.
      expect(hub.output).toMatch(/Connectors: helpdesk, database, email, mqtt/);
      await hub.waitForOutput('mqtt broker connected', 10_000);
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(expect.arrayContaining(['mqtt_list_topics', 'mqtt_get_latest', 'mqtt_get_history', 'mqtt_publish']));

      const topic = `${p}/sensors/boiler-1/temperature`;
      const uri = topicUri(topic);
      await device.publish(topic, '{"temp":61.5}');
      const updates: Array<{ uri: string; at: number }> = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push({ uri: n.params.uri, at: Date.now() }));
      await client.subscribeResource({ uri });
      // Wait until the connector has the first reading, so the next publish is the one measured.
      await readUntil(client, uri, '61.5');
      await new Promise((r) => setTimeout(r, 300)); // past the throttle interval of the first reading
      updates.length = 0;

      await device.publish(topic, '{"temp":75.0}');
      const published = Date.now();
      // The bar: the update reaches the client within 1 s of the device's publish.
      await waitFor(() => updates.some((u) => u.uri === uri), 1000, 'resources/updated within 1 s');
      const read = await client.readResource({ uri });
      expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ topic, untrusted: true, latest: { payload: { json: { temp: 75 } } } });
      expect(updates[0]!.at - published).toBeLessThanOrEqual(1000);

      const history = await client.callTool({ name: 'mqtt_get_history', arguments: { topic, field: 'temp' } });
      expect((history.structuredContent as { messages: Array<{ value: number }> }).messages.map((m) => m.value)).toEqual([61.5, 75]);

      // A chatty sensor: 200 readings in a burst reach the client as a few updates, the last reading readable.
      await new Promise((r) => setTimeout(r, 300));
      updates.length = 0;
      const burstStarted = Date.now();
      for (let i = 0; i < 200; i++) void device.client.publish(topic, JSON.stringify({ temp: i }), { qos: 0 });
      await device.publish(topic, '{"temp":1000}');
      await readUntil(client, uri, '1000');
      await new Promise((r) => setTimeout(r, 400)); // the trailing update of the last interval
      const burstMs = Date.now() - burstStarted;
      expect(updates.length).toBeGreaterThanOrEqual(1);
      expect(updates.length).toBeLessThanOrEqual(Math.ceil(burstMs / 200) + 1);

      await device.watch(`${p}/cmd/#`);
      const command = await client.callTool({ name: 'mqtt_publish', arguments: { topic: `${p}/cmd/boiler-1`, payload: 'off', qos: 1 } });
      expect(command.isError).toBeFalsy();
      const refused = await client.callTool({ name: 'mqtt_publish', arguments: { topic: `${p}/sensors/boiler-1/temperature`, payload: '20' } });
      expect(refused.isError).toBe(true);
      await waitFor(() => device.received.some((m) => m.topic === `${p}/cmd/boiler-1` && m.payload === 'off'), 3000, 'the command at the device');
      expect(device.received.map((m) => m.topic)).toEqual([`${p}/cmd/boiler-1`]);
    } finally {
      await client.close().catch(() => undefined);
      await device.close();
      await hub.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('runs as its own replica with mcp-hub connector mqtt behind a hub over NATS', async () => {
    const p = uniquePrefix();
    const namespace = `mqtt${p.slice(-8)}`;
    const port = await freePort();
    const nats = ['--nats', 'nats://127.0.0.1:4222', '--namespace', namespace];
    const hub = mcpHub(['hub', ...nats, '--port', String(port)]);
    const connector = mcpHub(['connector', 'mqtt', ...nats], { MQTT_URL: MOSQUITTO_URL, MQTT_SUBSCRIPTIONS: `${p}/#` });
    const device = await TestDevice.connect();
    const client = new Client({ name: 'iot-watcher', version: '1.0.0' });
    try {
      await Promise.all([hub.waitForOutput('hub serving'), connector.waitForOutput('connector serving'), connector.waitForOutput('mqtt broker connected')]);
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
      await waitForTools(client, 'mqtt_get_latest');
      const topic = `${p}/line-1/speed`;
      const uri = topicUri(topic);
      await device.publish(topic, '120');
      await readUntil(client, uri, '120');
      const updates: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
      await client.subscribeResource({ uri });
      await new Promise((r) => setTimeout(r, 1100)); // past the default throttle interval of the first reading
      await device.publish(topic, '0');
      await waitFor(() => updates.includes(uri), 3000, 'resources/updated over NATS');
      const latest = await client.callTool({ name: 'mqtt_get_latest', arguments: { topic } });
      expect(latest.structuredContent).toMatchObject({ message: { payload: { json: 0 } }, untrusted: true });
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain('mqtt_publish');
    } finally {
      await client.close().catch(() => undefined);
      await device.close();
      await connector.stop();
      await hub.stop();
    }
  }, 90_000);
});

async function waitForTools(client: Client, name: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if ((await client.listTools()).tools.some((t) => t.name === name)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} never listed`);
}
