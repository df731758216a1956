import { randomBytes } from 'node:crypto';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Broker, MessageListener } from './broker';

export interface MqttBrokerClientOptions {
  url: string;
  username?: string;
  password?: string;
  clientIdPrefix: string;
  /** PEM contents, already read. */
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean; servername?: string };
  subscriptions: ReadonlyArray<{ filter: string; qos: 0 | 1 | 2 }>;
  connectTimeoutMs: number;
  reconnectPeriodMs: number;
  logger: Logger;
  onMessage: MessageListener;
}

/**
 * The connector's one connection to the broker (the only file that imports `mqtt`). It connects
 * in the background and reconnects for ever, logging each failure; after every connection the
 * broker did not keep a session for, it subscribes to every configured filter again, so a
 * restarted broker delivers again (and repeats its retained messages).
 */
export class MqttBrokerClient implements Broker {
  private readonly client: MqttClient;
  private readonly logger: Logger;
  private wasConnected = false;
  private subscribedOn?: number;
  private connections = 0;

  constructor(private readonly options: MqttBrokerClientOptions) {
    this.logger = options.logger;
    const clientOptions: IClientOptions = {
      clientId: `${options.clientIdPrefix}-${randomBytes(6).toString('hex')}`,
      username: options.username,
      password: options.password,
      clean: true,
      connectTimeout: options.connectTimeoutMs,
      reconnectPeriod: options.reconnectPeriodMs,
      // We subscribe on every connect ourselves: mqtt.js's own resubscription would do it a second time.
      resubscribe: false,
      // A tool call never waits for a connection that may not come: publish refuses while disconnected.
      queueQoSZero: false,
      ca: options.tls.ca,
      cert: options.tls.cert,
      key: options.tls.key,
      rejectUnauthorized: options.tls.rejectUnauthorized,
      servername: options.tls.servername,
    };
    this.client = connect(options.url, clientOptions);
    this.client.on('connect', (connack) => this.onConnect(connack.sessionPresent));
    this.client.on('message', (topic, payload, packet) => options.onMessage({ topic, payload, retained: packet.retain, qos: packet.qos }));
    this.client.on('error', (error) => this.logger.warn({ reason: error.message }, 'mqtt broker connection failed; retrying'));
    this.client.on('offline', () => {
      if (this.wasConnected) this.logger.warn('mqtt broker connection lost; reconnecting');
      this.wasConnected = false;
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  get subscribed(): boolean {
    return this.client.connected && this.subscribedOn === this.connections;
  }

  async publish(topic: string, payload: string, options: { qos: 0 | 1 | 2; retain: boolean }, signal: AbortSignal): Promise<void> {
    if (!this.client.connected) throw new Error('not connected to the broker');
    signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.client.publishAsync(topic, payload, options), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** Disconnects (without waiting for in-flight acknowledgements beyond a second). */
  async close(): Promise<void> {
    await Promise.race([this.client.endAsync(true), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }

  private onConnect(sessionPresent: boolean): void {
    this.wasConnected = true;
    const connection = ++this.connections;
    this.logger.info({ sessionPresent }, 'mqtt broker connected');
    if (sessionPresent) {
      this.subscribedOn = connection;
      return;
    }
    const map = Object.fromEntries(this.options.subscriptions.map((s) => [s.filter, { qos: s.qos }]));
    this.client.subscribe(map, (error, granted) => {
      if (error) return this.logger.warn({ reason: error.message }, 'mqtt subscribe failed');
      const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
      if (refused.length > 0) this.logger.warn({ refused }, 'the broker refused some subscriptions');
      this.subscribedOn = connection;
    });
  }
}
