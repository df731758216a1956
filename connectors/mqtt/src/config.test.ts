import { ConnectorConfigError, resolveConnectorConfig } from '@mcp-hub/connector-kit';
import { mqttModule } from './mqtt-module';

const resolve = (fromFile: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv = {}, embedded = false) =>
  resolveConnectorConfig(mqttModule, { embedded, dataDir: '/data', fromFile, env });
const problem = (fromFile: Record<string, unknown> | undefined, env: NodeJS.ProcessEnv = {}): string => {
  try {
    resolve(fromFile, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('mqtt configuration', () => {
  it('says which setting is missing and where to set it', () => {
    expect(problem(undefined)).toMatch(/connectors\.mqtt\.url: missing: set MQTT_URL/);
    expect(problem({ url: 'mqtt://127.0.0.1:1883' })).toMatch(/connectors\.mqtt\.subscriptions: missing/);
  });

  it('reads the broker, credentials, filters and allowlist from the environment', () => {
    const { settings, exposure } = resolve(undefined, {
      MQTT_URL: 'mqtts://broker.example:8883',
      MQTT_USERNAME: 'hub',
      MQTT_PASSWORD: 's3cret',
      MQTT_SUBSCRIPTIONS: 'sensors/+/temperature, plant/#',
      MQTT_PUBLISH_ALLOW_TOPICS: 'cmd/+/set',
      MQTT_WRITE_MODE: 'true',
    });
    expect(settings).toMatchObject({
      url: 'mqtts://broker.example:8883',
      username: 'hub',
      password: 's3cret',
      subscriptions: [{ filter: 'sensors/+/temperature', qos: 0, maxMessagesPerTopic: 100, maxTopics: 1000 }, { filter: 'plant/#' }],
      publish: { allowTopics: ['cmd/+/set'], maxPayloadBytes: 4096, maxQos: 1, allowRetain: false },
      tls: { rejectUnauthorized: true },
    });
    expect(exposure.writeMode).toBe(true);
  });

  it('refuses malformed filters, $ topics in the allowlist, duplicate filters and two passwords', () => {
    const base = { url: 'mqtt://127.0.0.1:1883', subscriptions: [{ filter: 'a/#' }] };
    expect(problem({ ...base, subscriptions: [{ filter: 'a/#/b' }] })).toMatch(/subscriptions\.0\.filter: not a topic filter: "#" must be/);
    expect(problem({ ...base, publish: { allowTopics: ['$SYS/#'] } })).toMatch(/publish\.allowTopics\.0: "\$" topics are the broker's/);
    expect(problem({ ...base, publish: { allowTopics: ['cmd/+x'] } })).toMatch(/publish\.allowTopics\.0: not a topic filter/);
    expect(problem({ ...base, subscriptions: [{ filter: 'a/#' }, { filter: 'a/#' }] })).toMatch(/duplicate filter/);
    expect(problem({ ...base, password: 'p', passwordFile: '/run/secrets/p' })).toMatch(/passwordFile: give password or passwordFile, not both/);
    expect(problem({ ...base, url: 'http://broker' })).toMatch(/url: an mqtt:\/\//);
    expect(problem({ ...base, publish: { maxQos: 3 } })).toMatch(/publish\.maxQos/);
  });

  it('keeps the window under the data directory when embedded', () => {
    const { settings } = resolve({ url: 'mqtt://127.0.0.1:1883', subscriptions: [{ filter: 'a/#' }] }, {}, true);
    expect(settings.persistence).toEqual({ path: '/data/mqtt/window.json', flushIntervalMs: 5000 });
  });
});
