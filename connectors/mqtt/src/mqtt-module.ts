import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Redis } from 'ioredis';
import {
  defineConnectorModule,
  InMemoryIdempotencyStore,
  RedisIdempotencyStore,
  type BuiltConnector,
  type IdempotencyStore,
  type ResourceUpdatePublisher,
} from '@mcp-hub/connector-kit';
import { MqttConfigSchema, type MqttConfig } from './config';
import { mqttConnector } from './connector';
import { MQTT_CONNECTOR_ID } from './connector-id';
import { MessageWindow } from './message-window';
import { MqttBrokerClient } from './mqtt-client';
import type { MqttDeps } from './mqtt-deps';
import { topicUri } from './topic-uri';
import { UpdateThrottle } from './update-throttle';
import { WindowFile } from './window-file';

/**
 * Environment keys, all optional: `MQTT_URL`, `MQTT_USERNAME`, `MQTT_PASSWORD` or
 * `MQTT_PASSWORD_FILE`, `MQTT_SUBSCRIPTIONS` and `MQTT_PUBLISH_ALLOW_TOPICS` (comma-separated
 * topic filters), `MQTT_TLS_CA_FILE`, `MQTT_TLS_CERT_FILE`, `MQTT_TLS_KEY_FILE`, and
 * `MQTT_IDEMPOTENCY_REDIS_URL` (else `REDIS_URL`) for idempotency keys shared by replicas.
 */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const list = (value: string | undefined) => (value ? value.split(',').map((item) => item.trim()).filter(Boolean) : undefined);
  const config: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== '') config[key] = value;
  };
  set('url', env.MQTT_URL);
  set('username', env.MQTT_USERNAME);
  set('password', env.MQTT_PASSWORD);
  set('passwordFile', env.MQTT_PASSWORD_FILE);
  set('subscriptions', list(env.MQTT_SUBSCRIPTIONS)?.map((filter) => ({ filter })));
  const allowTopics = list(env.MQTT_PUBLISH_ALLOW_TOPICS);
  if (allowTopics) config.publish = { allowTopics };
  const tls = { caFile: env.MQTT_TLS_CA_FILE || undefined, certFile: env.MQTT_TLS_CERT_FILE || undefined, keyFile: env.MQTT_TLS_KEY_FILE || undefined };
  if (Object.values(tls).some((v) => v !== undefined)) config.tls = tls;
  const redisUrl = env.MQTT_IDEMPOTENCY_REDIS_URL || env.REDIS_URL;
  if (redisUrl) config.idempotency = { redisUrl };
  return config;
}

/** Embedded (only when configured, see the README): the window is kept under the data directory. */
function embeddedConfig(dataDir: string): Record<string, unknown> {
  return { persistence: { path: join(dataDir, 'mqtt', 'window.json') } };
}

export interface CreateOptions {
  /** The window's clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Opens the broker connection (in the background: the connector serves its window while the
 * broker is away, and logs every failed attempt), reads a persisted window, and builds the
 * connector. Resource updates go out once the replica serves (`attach`), throttled per topic.
 */
async function create(config: MqttConfig, logger: Logger, options: CreateOptions = {}): Promise<BuiltConnector<MqttDeps>> {
  const now = options.now ?? Date.now;
  const password = config.passwordFile ? readFileSync(config.passwordFile, 'utf8').trim() : config.password;
  const secrets = [password, credentialsOf(config.url), config.idempotency.redisUrl].filter((s): s is string => Boolean(s));
  const tls = {
    ca: config.tls.caFile ? readFileSync(config.tls.caFile) : undefined,
    cert: config.tls.certFile ? readFileSync(config.tls.certFile) : undefined,
    key: config.tls.keyFile ? readFileSync(config.tls.keyFile) : undefined,
    rejectUnauthorized: config.tls.rejectUnauthorized,
    servername: config.tls.servername,
  };
  const window = new MessageWindow(config.subscriptions, config.window.maxPayloadBytes);
  const file = config.persistence ? new WindowFile(config.persistence.path) : undefined;
  if (file) logger.info({ messages: file.load(window), path: file.path }, 'mqtt window restored');

  let publisher: ResourceUpdatePublisher | undefined;
  const updates = new UpdateThrottle(config.updateIntervalMs, (uri) => publisher?.resourceUpdated(uri));
  let dirty = false;
  const broker = new MqttBrokerClient({
    url: config.url,
    username: config.username,
    password,
    clientIdPrefix: config.clientIdPrefix,
    tls,
    subscriptions: config.subscriptions,
    connectTimeoutMs: config.connectTimeoutMs,
    reconnectPeriodMs: config.reconnectPeriodMs,
    logger: logger.child({ broker: redactedUrl(config.url) }),
    onMessage: (message) => {
      const kept = window.add(message, now());
      if (typeof kept === 'string') return;
      dirty = true;
      updates.changed(topicUri(message.topic));
    },
  });
  const save = () => {
    if (!file || !dirty) return;
    dirty = false;
    try {
      file.save(window);
    } catch (error) {
      logger.warn({ reason: (error as Error).message, path: file.path }, 'could not write the mqtt window');
    }
  };
  const flushTimer = config.persistence ? setInterval(save, config.persistence.flushIntervalMs).unref() : undefined;

  const redis = config.idempotency.redisUrl ? new Redis(config.idempotency.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }) : undefined;
  const close = async () => {
    updates.stop();
    clearInterval(flushTimer);
    await broker.close();
    save();
    redis?.disconnect();
  };
  let idempotency: IdempotencyStore;
  try {
    if (redis) {
      await redis.connect();
      idempotency = new RedisIdempotencyStore({ redis, prefix: config.idempotency.keyPrefix });
    } else {
      idempotency = new InMemoryIdempotencyStore();
      if (config.publish.allowTopics.length > 0) logger.warn('idempotency keys of mqtt_publish are kept in this replica only: set MQTT_IDEMPOTENCY_REDIS_URL (or REDIS_URL) when running several replicas');
    }
  } catch (error) {
    await close();
    throw error;
  }
  const deps: MqttDeps = { broker, window, publish: config.publish, idempotency, now };
  logger.info({ subscriptions: config.subscriptions.map((s) => s.filter), publishTopics: config.publish.allowTopics }, 'mqtt connector ready');
  return {
    connector: mqttConnector,
    deps,
    secrets,
    close,
    attach: (replica) => {
      publisher = replica;
    },
  };
}

/** The user-info part of a broker URL (`user:pass`), a secret when present. */
function credentialsOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}

/** The broker URL without user info, for logs. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return 'the configured broker';
  }
}

/** The mqtt connector as the CLI and the embedded mode run it. */
export const mqttModule = defineConnectorModule<MqttConfig, MqttDeps>({
  id: MQTT_CONNECTOR_ID,
  configSchema: MqttConfigSchema as unknown as import('zod').ZodType<MqttConfig>,
  fromEnv,
  embeddedConfig,
  create: (config, logger) => create(config, logger),
});

export { create as createMqttConnectorService };
