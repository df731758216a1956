import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { connect, type MqttClient } from 'mqtt';
import { exposeTools, ToolExposureSchema } from '@mcp-hub/connector-kit';
import { ConnectorHarness, ConnectorReplyError } from '@mcp-hub/connector-kit/testing';
import { MqttConfigSchema, type MqttConfigInput } from '../src/config';
import { createMqttConnectorService } from '../src/mqtt-module';
import type { MqttDeps } from '../src/mqtt-deps';

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

/** A topic prefix no other test run uses, so concurrent runs on one broker do not see each other's messages. */
export function uniquePrefix(): string {
  return `mcphub-test/${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export interface RunningMqtt {
  harness: ConnectorHarness<MqttDeps>;
  deps: MqttDeps;
  logs: string[];
  stop(): Promise<void>;
}

/** A test clock: the window's receive times, set by the test. */
export class TestClock {
  constructor(public time = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  readonly now = () => this.time;
}

/**
 * Builds the connector from configuration as the CLI would (schema, create, the kit's tool
 * exposure), runs it on the harness's in-process bus with resource updates attached, and waits
 * until the broker acknowledged its subscriptions.
 */
export async function startMqtt(input: MqttConfigInput, options: { writeMode?: boolean; now?: () => number; waitSubscribed?: boolean } = {}): Promise<RunningMqtt> {
  const { logger, lines } = captureLogger();
  const built = await createMqttConnectorService(MqttConfigSchema.parse(input), logger, { now: options.now });
  const connector = exposeTools(built.connector, ToolExposureSchema.parse({ writeMode: options.writeMode ?? false }));
  const harness = await ConnectorHarness.start(connector, built.deps);
  built.attach?.(harness.service);
  if (options.waitSubscribed ?? true) await waitFor(() => built.deps.broker.subscribed, 5000, 'the broker subscription');
  return {
    harness,
    deps: built.deps,
    logs: lines,
    stop: async () => {
      await harness.stop();
      await built.close();
    },
  };
}

/** A device on the broker: publishes telemetry and watches topics. */
export class TestDevice {
  readonly received: Array<{ topic: string; payload: string; retain: boolean }> = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => this.received.push({ topic, payload: payload.toString(), retain: packet.retain }));
  }

  static async connect(url = MOSQUITTO_URL): Promise<TestDevice> {
    const client = connect(url, { clientId: `test-device-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0, connectTimeout: 5000 });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    return new TestDevice(client);
  }

  async publish(topic: string, payload: string | Buffer, options: { retain?: boolean; qos?: 0 | 1 | 2 } = {}): Promise<void> {
    // QoS 1 by default: the broker has the message when this resolves.
    await this.client.publishAsync(topic, payload, { qos: options.qos ?? 1, retain: options.retain ?? false });
  }

  async watch(filter: string): Promise<void> {
    await this.client.subscribeAsync(filter, { qos: 1 });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

export type CallOutcome = { ok: true; structured: Record<string, any>; text: string } | { ok: false; kind: string; message: string };

export async function call(harness: ConnectorHarness<MqttDeps>, tool: string, args: Record<string, unknown>): Promise<CallOutcome> {
  try {
    const result = await harness.callTool(tool, args, { timeoutMs: 5000 });
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
    return { ok: true, structured: result.structuredContent as Record<string, any>, text };
  } catch (error) {
    if (error instanceof ConnectorReplyError) return { ok: false, kind: error.reply.kind, message: error.reply.message };
    throw error;
  }
}

export async function structured(harness: ConnectorHarness<MqttDeps>, tool: string, args: Record<string, unknown>): Promise<Record<string, any>> {
  const outcome = await call(harness, tool, args);
  if (!outcome.ok) throw new Error(`${tool} failed: ${outcome.kind}: ${outcome.message}`);
  return outcome.structured;
}

/** Polls until `condition` holds; fails the test with `what` when it does not within `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
