import { REPLAYED_META_KEY } from '@mcp-hub/connector-contract';
import { call, MOSQUITTO_URL, startMqtt, TestDevice, uniquePrefix, waitFor, type RunningMqtt } from './support';

/** `publish` against Mosquitto: what the allowlist and limits let through actually reaches the broker, nothing else does. */
describe('mqtt publish', () => {
  let p: string;
  let watcher: TestDevice;
  let mqtt: RunningMqtt;

  beforeEach(async () => {
    p = uniquePrefix();
    watcher = await TestDevice.connect();
    await watcher.watch(`${p}/#`);
    mqtt = await startMqtt(
      {
        url: MOSQUITTO_URL,
        subscriptions: [{ filter: `${p}/telemetry/#` }],
        publish: { allowTopics: [`${p}/cmd/+/set`, `${p}/lights/#`], maxPayloadBytes: 32, maxQos: 1 },
      },
      { writeMode: true },
    );
  });
  afterEach(async () => {
    await mqtt.stop();
    await watcher.close();
  });

  /** Publishes a marker through the tool and waits for it: everything published before it has arrived too. */
  async function barrier(): Promise<string[]> {
    const outcome = await call(mqtt.harness, 'publish', { topic: `${p}/lights/barrier`, payload: 'end', qos: 1 });
    expect(outcome.ok).toBe(true);
    await waitFor(() => watcher.received.some((m) => m.topic === `${p}/lights/barrier`), 3000, 'the barrier');
    return watcher.received.filter((m) => m.topic !== `${p}/lights/barrier`).map((m) => `${m.topic.slice(p.length + 1)}=${m.payload}`);
  }

  it('publishes to allowed topics only, with "+" matching one level and "#" any below', async () => {
    const attempts: Array<[string, string | undefined]> = [
      [`${p}/cmd/pump-1/set`, undefined],
      [`${p}/lights`, undefined],
      [`${p}/lights/hall/1`, undefined],
      [`${p}/cmd/pump-1/x/set`, 'forbidden'],
      [`${p}/cmd/pump-1`, 'forbidden'],
      [`${p}/cmdx/pump-1/set`, 'forbidden'],
      [`${p}/telemetry/pump-1`, 'forbidden'],
      ['$SYS/broker/uptime', 'forbidden'],
      [`${p}/cmd/+/set`, 'invalid_arguments'],
      [`${p}/lights/#`, 'invalid_arguments'],
    ];
    for (const [topic, kind] of attempts) {
      const outcome = await call(mqtt.harness, 'publish', { topic, payload: 'on' });
      expect({ topic, kind: outcome.ok ? undefined : outcome.kind }).toEqual({ topic, kind });
    }
    expect((await barrier()).sort()).toEqual(['cmd/pump-1/set=on', 'lights/hall/1=on', 'lights=on']);
  });

  it('refuses a payload over the byte cap, a QoS over the cap and a retain flag, and sends none of them', async () => {
    const topic = `${p}/cmd/valve/set`;
    expect(await call(mqtt.harness, 'publish', { topic, payload: 'x'.repeat(33) })).toMatchObject({ ok: false, kind: 'invalid_arguments', message: expect.stringContaining('33 bytes') });
    expect(await call(mqtt.harness, 'publish', { topic, payload: 'ü'.repeat(17) })).toMatchObject({ ok: false, kind: 'invalid_arguments' });
    expect(await call(mqtt.harness, 'publish', { topic, payload: 'on', qos: 2 })).toMatchObject({ ok: false, kind: 'forbidden' });
    expect(await call(mqtt.harness, 'publish', { topic, payload: 'on', retain: true })).toMatchObject({ ok: false, kind: 'forbidden' });
    const fits = await call(mqtt.harness, 'publish', { topic, payload: 'x'.repeat(32), qos: 1 });
    expect(fits).toMatchObject({ ok: true, structured: { topic, bytes: 32, qos: 1, retain: false } });
    expect(await barrier()).toEqual([`cmd/valve/set=${'x'.repeat(32)}`]);
  });

  it('acts once per idempotency key and replays the first result', async () => {
    const args = { topic: `${p}/cmd/door/set`, payload: 'open', qos: 1, idempotency_key: 'open-door-1' };
    const first = await mqtt.harness.callTool('publish', args);
    const again = await mqtt.harness.callTool('publish', args);
    expect(again.structuredContent).toEqual(first.structuredContent);
    expect(again._meta?.[REPLAYED_META_KEY]).toBe(true);
    expect(await call(mqtt.harness, 'publish', { ...args, payload: 'close' })).toMatchObject({ ok: false, kind: 'conflict' });
    expect(await barrier()).toEqual(['cmd/door/set=open']);
  });

  it('is not offered at all without write mode', async () => {
    const readOnly = await startMqtt({ url: MOSQUITTO_URL, subscriptions: [{ filter: `${p}/telemetry/#` }], publish: { allowTopics: [`${p}/cmd/+/set`] } }, { waitSubscribed: false });
    try {
      expect(readOnly.harness.service.connector.manifest.tools.map((t) => t.name)).toEqual(['list_topics', 'get_latest', 'get_history']);
      await expect(readOnly.harness.callTool('publish', { topic: `${p}/cmd/a/set`, payload: 'on' }, { timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'no_responders' });
    } finally {
      await readOnly.stop();
    }
  });
});
