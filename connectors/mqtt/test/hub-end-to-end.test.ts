import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort } from '@mcp-hub/bus/testing';
import { topicUri } from '../src/topic-uri';
import { MOSQUITTO_URL, TestDevice, uniquePrefix, waitFor } from './support';

const repoRoot = path.resolve(__dirname, '../../..');

/**
 * The "done when", as a user runs it: `bin/mcp-hub start` with the connector configured,
 * an MCP client watching a device's telemetry live through the hub, reading its history and
 * publishing a command only where allowed. The device is a client of the machine's Mosquitto.
 */
describe('mqtt through the hub', () => {
  it('delivers resources/updated to a subscribed MCP client within 1 s of a device publishing', async () => {
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
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/mcp-hub'), 'start', '--port', String(port), '--config', config, '--data-dir', dir], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const device = await TestDevice.connect();
    const client = new Client({ name: 'iot-watcher', version: '1.0.0' });
    try {
      await waitFor(() => output.includes(`serving http://127.0.0.1:${port}/mcp`), 60_000, `the hub to serve:\n${output}`);
      // Configured, mqtt runs beside the built-in connectors that need nothing.
      expect(output).toMatch(/Connectors: helpdesk, database, mqtt/);
      await waitFor(() => output.includes('mqtt broker connected'), 10_000, 'the broker connection');
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
      for (let tries = 0; ; tries++) {
        const read = await client.readResource({ uri });
        if ((read.contents[0] as { text: string }).text.includes('61.5')) break;
        if (tries > 50) throw new Error('the first reading never reached the connector');
        await new Promise((r) => setTimeout(r, 50));
      }
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
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
