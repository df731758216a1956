import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicUri } from '../src/topic-uri';
import { AedesProcess } from './aedes-process';
import { call, startMqtt, structured, TestDevice, waitFor, type RunningMqtt } from './support';

/** Against an aedes broker of the test's own: one it can kill and restart, or that asks for a password or TLS. */
describe('mqtt connector on a broker that goes away', () => {
  let broker: AedesProcess;
  let mqtt: RunningMqtt | undefined;
  afterEach(async () => {
    await mqtt?.stop();
    mqtt = undefined;
    await broker?.stop();
  });

  it('keeps serving its window while the broker is down, refuses to publish, then reconnects and resubscribes', async () => {
    broker = await AedesProcess.start();
    mqtt = await startMqtt({ url: broker.url, subscriptions: [{ filter: 'plant/#' }], reconnectPeriodMs: 100, updateIntervalMs: 50, publish: { allowTopics: ['plant/cmd/#'] } }, { writeMode: true });
    const device = await TestDevice.connect(broker.url);
    await device.publish('plant/pump-1/pressure', '2.5');
    await waitFor(() => mqtt!.deps.window.count('plant/pump-1/pressure') === 1, 3000, 'the first reading');
    await device.close();

    await broker.kill();
    await waitFor(() => !mqtt!.deps.broker.connected, 5000, 'the connection to drop');
    const stale = await call(mqtt.harness, 'get_latest', { topic: 'plant/pump-1/pressure' });
    expect(stale).toMatchObject({ ok: true, structured: { connected: false, message: { payload: { json: 2.5 } } } });
    expect(stale.ok && stale.text).toContain('NOT connected');
    expect(await call(mqtt.harness, 'publish', { topic: 'plant/cmd/pump-1', payload: 'stop' })).toMatchObject({ ok: false, kind: 'upstream', message: expect.stringContaining('nothing was published') });

    await broker.restart();
    // A restarted aedes has no session: the connector must subscribe again by itself.
    await waitFor(() => mqtt!.deps.broker.subscribed, 10_000, 'the connector to reconnect and resubscribe');
    const updatesBefore = mqtt.harness.resourceUpdates.length;
    const again = await TestDevice.connect(broker.url);
    try {
      await again.publish('plant/pump-1/pressure', '2.7');
      await waitFor(() => mqtt!.deps.window.count('plant/pump-1/pressure') === 2, 3000, 'a reading after the restart');
      await waitFor(() => mqtt!.harness.resourceUpdates.length > updatesBefore, 3000, 'a resource update after the restart');
      expect(mqtt.harness.resourceUpdates.at(-1)).toBe(topicUri('plant/pump-1/pressure'));
      expect(await structured(mqtt.harness, 'publish', { topic: 'plant/cmd/pump-1', payload: 'stop' })).toMatchObject({ topic: 'plant/cmd/pump-1' });
    } finally {
      await again.close();
    }
    expect(mqtt.logs.join('')).toMatch(/mqtt broker connection lost; reconnecting/);
  });

  it('logs in with a user name and password, and never logs the password when the broker refuses it', async () => {
    broker = await AedesProcess.start({ AEDES_USER: 'hub', AEDES_PASS: 'right-horse-battery' });
    mqtt = await startMqtt({ url: broker.url, username: 'hub', password: 'wrong-horse-battery', subscriptions: [{ filter: 'a/#' }], reconnectPeriodMs: 100 }, { waitSubscribed: false });
    await waitFor(() => mqtt!.logs.join('').includes('mqtt broker connection failed'), 5000, 'the refusal to be logged');
    expect(mqtt.deps.broker.connected).toBe(false);
    expect(mqtt.logs.join('')).not.toContain('wrong-horse-battery');
    await mqtt.stop();
    mqtt = await startMqtt({ url: broker.url, username: 'hub', password: 'right-horse-battery', subscriptions: [{ filter: 'a/#' }] });
    expect(mqtt.deps.broker.subscribed).toBe(true);
  });

  it('connects over TLS, checking the broker certificate against the configured CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-tls-'));
    try {
      const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
      broker = await AedesProcess.start({ AEDES_TLS_CERT: cert, AEDES_TLS_KEY: key });
      const url = `mqtts://127.0.0.1:${broker.port}`;
      mqtt = await startMqtt({ url, subscriptions: [{ filter: 'a/#' }], reconnectPeriodMs: 100 }, { waitSubscribed: false });
      // Without the CA the certificate is refused.
      await waitFor(() => mqtt!.logs.join('').includes('mqtt broker connection failed'), 5000, 'the certificate to be refused');
      expect(mqtt.deps.broker.connected).toBe(false);
      await mqtt.stop();
      mqtt = await startMqtt({ url, subscriptions: [{ filter: 'a/#' }], tls: { caFile: cert } });
      expect(mqtt.deps.broker.subscribed).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
