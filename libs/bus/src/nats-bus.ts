import { connect, credsAuthenticator, nkeyAuthenticator, headers as natsHeaders, errors, type MsgHdrs, type NatsConnection, type Msg } from '@nats-io/transport-node';
import type { Bus, BusMessage, BusStatus, MessageHandler, RequestOptions, SubscribeOptions, Subscription } from './bus';
import { BusError } from './bus-error';
import { toBusError } from './nats-publish-error';
import { NatsRequestMux } from './nats-request-mux';

export interface NatsBusOptions {
  /** Server URLs, comma separated (`nats://127.0.0.1:4222`). */
  servers: string;
  /** Shown in the server's connection list (`nats server report connections`). */
  name: string;
  user?: string;
  pass?: string;
  token?: string;
  /** A `.creds` file's content (user JWT and NKEY seed, for servers in operator/JWT mode). */
  creds?: Uint8Array;
  /** An NKEY user's seed (`SU…`): the server challenges, the seed signs; nothing secret crosses the wire. */
  nkeySeed?: Uint8Array;
  /** Keep retrying the first connection instead of failing (services started before NATS). Default false. */
  waitOnFirstConnect?: boolean;
  /**
   * Hears errors that end a subscription, such as a permission violation: without it a replica
   * whose NATS user may not serve its own subjects would announce tools it can never answer, silently.
   */
  onSubscriptionError?: (subject: string, error: Error) => void;
  /**
   * First tokens of this connection's reply inboxes (default `_INBOX`). A connector's requests
   * (its server-to-client requests) get replies under its own prefix
   * (`Subjects.connectorInboxPrefix`), so its NATS user may read those and no other replies.
   */
  inboxPrefix?: string;
}

/**
 * {@link Bus} over NATS (nats.js v3). Reconnects for ever with a short wait, and while the
 * connection is down fails requests at once with `disconnected` rather than letting them sit in
 * the client's buffer until their timeout.
 */
export class NatsBus implements Bus {
  private readonly statusListeners = new Set<(status: BusStatus) => void>();
  private currentStatus: BusStatus = 'connected';
  private readonly requests: NatsRequestMux;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly onSubscriptionError?: (subject: string, error: Error) => void,
    inboxPrefix?: string,
  ) {
    this.requests = new NatsRequestMux(connection, toBusMessage, (error) => onSubscriptionError?.('(reply inbox)', error), inboxPrefix);
    void this.watchStatus();
    void connection.closed().then(() => this.setStatus('closed'));
  }

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const connection = await connect({
      servers: options.servers.split(',').map((s) => s.trim()),
      name: options.name,
      user: options.user,
      pass: options.pass,
      token: options.token,
      ...(options.creds && { authenticator: credsAuthenticator(options.creds) }),
      ...(options.nkeySeed && { authenticator: nkeyAuthenticator(options.nkeySeed) }),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: 5_000,
      waitOnFirstConnect: options.waitOnFirstConnect ?? false,
      // Otherwise every request captures a stack for an error it almost never throws (~4 % of hub CPU, measured).
      noAsyncTraces: true,
      ...(options.inboxPrefix !== undefined && { inboxPrefix: options.inboxPrefix }),
    });
    return new NatsBus(connection, options.onSubscriptionError, options.inboxPrefix);
  }

  get status(): BusStatus {
    return this.currentStatus;
  }

  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    if (this.currentStatus !== 'connected') {
      return Promise.reject(new BusError(this.currentStatus === 'closed' ? 'closed' : 'disconnected', 'NATS connection is down'));
    }
    return this.requests.request(subject, data, options.timeoutMs, toNatsHeaders(options.headers), options.signal);
  }

  publish(subject: string, data: Uint8Array, headers?: Record<string, string>): void {
    try {
      this.connection.publish(subject, data, { headers: toNatsHeaders(headers) });
    } catch (error) {
      throw toBusError(error, data.length, this.connection.info?.max_payload);
    }
  }

  subscribe(subject: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    const subscription = this.connection.subscribe(subject, {
      queue: options.queue,
      callback: (error, msg) => {
        if (error) {
          this.onSubscriptionError?.(subject, error);
          return;
        }
        handler({
          subject: msg.subject,
          data: msg.data,
          get headers() {
            return fromNatsHeaders(msg.headers);
          },
          respond: (data, headers) => {
            try {
              return msg.respond(data, { headers: toNatsHeaders(headers) });
            } catch (error) {
              throw toBusError(error, data.length, this.connection.info?.max_payload);
            }
          },
        });
      },
    });
    return {
      unsubscribe: () => subscription.unsubscribe(),
      drain: () => subscription.drain(),
    };
  }

  async flush(): Promise<void> {
    await this.connection.flush();
  }

  onStatus(listener: (status: BusStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.connection.isClosed()) return;
    await this.connection.drain().catch(() => this.connection.close());
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect' || status.type === 'reconnecting') this.setStatus('disconnected');
      else if (status.type === 'reconnect') this.setStatus('connected');
      else if (status.type === 'close') this.setStatus('closed');
      else if (status.type === 'error' && status.error instanceof errors.PermissionViolationError && status.error.operation === 'publish') {
        // Refused by the server: no reply will ever come, so the caller learns now, not at its deadline.
        const { subject } = status.error;
        this.requests.failSubject(subject, new BusError('forbidden', `NATS refused to publish to ${subject} (permissions violation)`));
      }
    }
  }

  private setStatus(status: BusStatus): void {
    if (status === this.currentStatus || this.currentStatus === 'closed') return;
    this.currentStatus = status;
    // Replies do not survive a dropped connection (core NATS keeps nothing): waiting is pointless.
    if (status === 'closed') this.requests.close();
    else if (status === 'disconnected') this.requests.failAll('disconnected', 'NATS connection lost while waiting for the reply');
    for (const listener of this.statusListeners) listener(status);
  }
}

function toNatsHeaders(values: Record<string, string> | undefined): MsgHdrs | undefined {
  if (!values) return undefined;
  const entries = Object.entries(values);
  if (entries.length === 0) return undefined;
  const result = natsHeaders();
  for (const [key, value] of entries) result.set(key, value);
  return result;
}

function fromNatsHeaders(values: MsgHdrs | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (!values) return result;
  for (const key of values.keys()) result[key] = values.get(key);
  return result;
}

/** Headers are parsed only when read: the hub and the connectors read the body alone on their hot paths. */
function toBusMessage(msg: Msg): BusMessage {
  return {
    subject: msg.subject,
    data: msg.data,
    get headers() {
      return fromNatsHeaders(msg.headers);
    },
  };
}

/** A publish that nats.js refused. */
