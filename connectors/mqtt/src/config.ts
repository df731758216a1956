import { z } from 'zod';
import { topicFilterProblem } from './topic-filter';

const TopicFilterSchema = z.string().superRefine((filter, ctx) => {
  const problem = topicFilterProblem(filter);
  if (problem) ctx.addIssue({ code: 'custom', message: `not a topic filter: ${problem}` });
});

export const SubscriptionSchema = z.strictObject({
  /** An MQTT topic filter, e.g. `sensors/+/temperature` or `plant/line1/#`. */
  filter: TopicFilterSchema,
  /** QoS asked of the broker for this subscription. Default 0. */
  qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
  /** Messages kept per topic under this filter; older ones are dropped. Default 100. */
  maxMessagesPerTopic: z.number().int().min(1).max(10_000).default(100),
  /** Topics kept under this filter; the least recently updated is dropped for a new one. Default 1000. */
  maxTopics: z.number().int().min(1).max(100_000).default(1000),
});
export type SubscriptionConfig = z.infer<typeof SubscriptionSchema>;

export const MqttConfigSchema = z
  .strictObject({
    /** Broker URL: `mqtt://`, `mqtts://` (TLS), `ws://` or `wss://`. Set it with MQTT_URL. */
    url: z
      .string({ error: (issue) => (issue.input === undefined ? 'missing: set MQTT_URL or connectors.mqtt.url in the --config file' : undefined) })
      .regex(/^(?:mqtts?|wss?):\/\/[^\s/]/, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
    /** Set with MQTT_USERNAME. */
    username: z.string().min(1).max(1000).optional(),
    /** Set with MQTT_PASSWORD, or a file with MQTT_PASSWORD_FILE; never in a configuration file others read. */
    password: z.string().min(1).max(10_000).optional(),
    passwordFile: z.string().min(1).optional(),
    /** MQTT client id prefix; each replica adds a random suffix so replicas do not kick each other off. */
    clientIdPrefix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, _ and - (at most 40)').default('mcp-hub-mqtt'),
    /** TLS for mqtts:// and wss:// (files are PEM). */
    tls: z
      .strictObject({
        caFile: z.string().min(1).optional(),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
        /** Checks the broker's certificate. Turning it off is for a test broker only. Default true. */
        rejectUnauthorized: z.boolean().default(true),
        /** The name the certificate must carry, when it is not the URL's host. */
        servername: z.string().min(1).optional(),
      })
      .prefault({}),
    subscriptions: z
      .array(SubscriptionSchema, { error: (issue) => (issue.input === undefined ? 'missing: list the topic filters to watch in connectors.mqtt.subscriptions (or MQTT_SUBSCRIPTIONS)' : undefined) })
      .min(1, 'subscribe to at least one topic filter')
      .max(100),
    window: z
      .strictObject({
        /** Bytes of a payload kept; the rest is cut (the size as published is kept). Default 16 KiB. */
        maxPayloadBytes: z.number().int().min(64).max(1024 * 1024).default(16 * 1024),
      })
      .prefault({}),
    /** Keeps the window in a file, so a restart starts with the history seen before. */
    persistence: z
      .strictObject({
        path: z.string().min(1),
        /** How often the window is written when it changed, in ms. Default 5000. */
        flushIntervalMs: z.number().int().min(100).max(3_600_000).default(5000),
      })
      .optional(),
    publish: z
      .strictObject({
        /** Topic filters the `publish` tool may publish to (MQTT wildcards); `$` topics never. Default none. */
        allowTopics: z.array(TopicFilterSchema).max(100).default([]),
        /** Largest payload `publish` sends, in bytes. Default 4096. */
        maxPayloadBytes: z.number().int().min(1).max(256 * 1024).default(4096),
        /** Highest QoS `publish` may use. Default 1. */
        maxQos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
        /** Whether `publish` may set the retain flag. Default false. */
        allowRetain: z.boolean().default(false),
      })
      .prefault({}),
    /** `resources/updated` for one topic is sent at most once per this many ms (the latest change always arrives). Default 1000. */
    updateIntervalMs: z.number().int().min(50).max(3_600_000).default(1000),
    /** How long to wait for the broker's CONNACK, in ms. Default 10 000. */
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Wait between reconnection attempts, in ms. Default 1000. */
    reconnectPeriodMs: z.number().int().min(100).max(300_000).default(1000),
    /**
     * Where the idempotency keys of `publish` live. Without `redisUrl`, in this process's memory:
     * right for one replica; replicas behind one queue group need a Redis they share.
     */
    idempotency: z
      .strictObject({
        redisUrl: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
        keyPrefix: z.string().min(1).max(200).default('mcphub:idempotency:mqtt'),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.password !== undefined && config.passwordFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'give password or passwordFile, not both' });
    }
    const filters = new Set<string>();
    config.subscriptions.forEach((s, i) => {
      if (filters.has(s.filter)) ctx.addIssue({ code: 'custom', path: ['subscriptions', i, 'filter'], message: `duplicate filter "${s.filter}"` });
      filters.add(s.filter);
    });
    config.publish.allowTopics.forEach((filter, i) => {
      if (filter.startsWith('$')) ctx.addIssue({ code: 'custom', path: ['publish', 'allowTopics', i], message: '"$" topics are the broker\'s: they cannot be allowed' });
    });
  });
export type MqttConfig = z.infer<typeof MqttConfigSchema>;
export type MqttConfigInput = z.input<typeof MqttConfigSchema>;
