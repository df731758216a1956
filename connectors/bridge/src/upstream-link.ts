import type { Logger } from 'pino';
import { CreateMessageParamsSchema, ElicitParamsSchema } from '@mcp-hub/connector-contract';
import { ClientRequestFailed, ToolError, backoffDelayMs, type HandlerContext } from '@mcp-hub/connector-kit';
import type { z } from 'zod';
import { CallsInFlight } from './calls-in-flight';
import type { BridgeConfig } from './config';
import { NotificationBudget } from './notification-budget';
import { ClientRequestRefused, UpstreamClient, type UpstreamEvents, type UpstreamFailure, type UpstreamListing, type UpstreamRequestOptions } from './upstream-client';

export interface UpstreamLinkOptions {
  config: BridgeConfig;
  logger: Logger;
  bearerToken?: string;
  /** A fresh listing: after connecting again, and after the upstream said a list changed. */
  onListing(listing: UpstreamListing): void;
  /** The upstream said a resource changed (its own URI); already within the notification budget. */
  onResourceUpdated(uri: string): void;
}

/** Upstream resources one replica stays subscribed to. */
const MAX_SUBSCRIPTIONS = 10_000;

/** The smallest upstream message the bridge reads whole (the SDK's default is 10 MB). */
const MAX_MESSAGE_FLOOR_BYTES = 16 * 1024 * 1024;

/** How much earlier than the call's deadline an upstream request gives up. */
const DEADLINE_MARGIN_MS = 250;

/** Shortest time between two listings caused by `list_changed`: a flood of them costs one listing per period. */
const RELIST_PERIOD_MS = 100;

/** The upstream's log levels (MCP `notifications/message`) as pino's. */
const LOG_LEVELS: Record<string, 'debug' | 'info' | 'warn' | 'error'> = {
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warning: 'warn',
  error: 'error',
  critical: 'error',
  alert: 'error',
  emergency: 'error',
};

/**
 * The replica's connection to its upstream, kept alive: a stdio child that dies is started
 * again, an HTTP session the upstream forgot (404) is opened again, with backoff between tries.
 * Calls in flight when the connection ends fail at once with a clear tool error; calls that
 * arrive while it is down wait for it within their deadline.
 */
export class UpstreamLink {
  private current?: UpstreamClient;
  private connecting?: Promise<UpstreamClient>;
  private attempt = 0;
  private connectedBefore = false;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private relistTimer?: NodeJS.Timeout;
  private relistWanted = false;
  private relisting = false;
  private readonly subscribed = new Set<string>();
  private readonly budget: NotificationBudget;
  private readonly logBudget: NotificationBudget;
  private dropped = 0;
  private readonly inFlight = new CallsInFlight();

  constructor(private readonly options: UpstreamLinkOptions) {
    this.budget = new NotificationBudget(options.config.notificationsPerSecond);
    // Its own budget: an upstream that logs a lot must not starve progress, nor fill the log.
    this.logBudget = new NotificationBudget(options.config.notificationsPerSecond);
  }

  /** Connects for the first time and returns the upstream's listing. @throws when the upstream cannot be reached or listed in time. */
  async start(): Promise<UpstreamListing> {
    const client = await this.connect();
    return client.list(this.options.config.connectTimeoutMs);
  }

  /** The pid of the stdio child now running, if any. */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** Runs one request on the upstream within the call's deadline and maps its failure to a tool error the model can read. */
  async request<T>(ctx: HandlerContext, what: string, send: (client: UpstreamClient, options: UpstreamRequestOptions) => Promise<T>, { retryOnExpiry = true } = {}): Promise<T> {
    const client = await this.ready(ctx);
    const onProgress = (progress: number, total?: number, message?: string) => {
      if (this.withinBudget()) ctx.progress(progress, total, message?.slice(0, 1000));
    };
    // A little before the hub's deadline, so that the model reads the bridge's precise error rather than the hub's generic one.
    const left = ctx.deadline - Date.now();
    const options: UpstreamRequestOptions = { signal: ctx.signal, timeoutMs: left - Math.min(DEADLINE_MARGIN_MS, left / 10), onProgress };
    try {
      return await this.inFlight.within(ctx, () => send(client, options));
    } catch (error) {
      const failure = UpstreamClient.failure(error);
      if (failure.kind === 'session_expired') {
        this.options.logger.warn('the upstream forgot the session (HTTP 404): initializing again');
        this.dropConnection(client);
        // The spec: on 404 the client starts a new session. The request never ran, so it is sent once more.
        if (retryOnExpiry) return this.request(ctx, what, send, { retryOnExpiry: false });
      }
      if (failure.kind === 'closed') this.dropConnection(client);
      throw this.toolError(failure, what, ctx);
    }
  }

  /** Subscribes to an upstream resource once; the link subscribes again by itself after a reconnect. */
  async subscribe(uri: string, ctx: HandlerContext): Promise<void> {
    if (this.subscribed.has(uri)) return;
    await this.request(ctx, `subscribing to ${uri}`, (client, options) => client.subscribe(uri, options));
    // Bounded: there is no unsubscribe on the hub's wire, and one upstream has finitely many resources.
    if (this.subscribed.size < MAX_SUBSCRIPTIONS) this.subscribed.add(uri);
  }

  /** After a reconnect the new session has no subscriptions: renew those clients made, best effort. */
  private async resubscribe(client: UpstreamClient): Promise<void> {
    const timeoutMs = this.options.config.connectTimeoutMs;
    for (const uri of this.subscribed) {
      await client.subscribe(uri, { signal: AbortSignal.timeout(timeoutMs), timeoutMs }).catch((error: unknown) => {
        this.options.logger.warn({ err: error, uri }, 'could not subscribe again after reconnecting');
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.relistTimer);
    const client = this.current ?? (await this.connecting?.catch(() => undefined));
    this.current = undefined;
    await client?.close();
  }

  private async ready(ctx: HandlerContext): Promise<UpstreamClient> {
    if (this.current) return this.current;
    if (this.stopped) throw new ToolError('upstream', 'The bridge is shutting down.');
    const connection = this.connecting ?? this.connect();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ToolError('upstream', 'The upstream MCP server is restarting and was not back before the deadline. Try again in a few seconds.')), Math.max(0, ctx.deadline - Date.now()));
    });
    const aborted = new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(new ToolError('cancelled', 'The call was cancelled.')), { once: true }));
    try {
      return await Promise.race([connection, deadline, aborted]);
    } catch (error) {
      if (error instanceof ToolError) throw error;
      throw new ToolError('upstream', 'The upstream MCP server could not be reached; the bridge keeps trying. Try again in a few seconds.');
    } finally {
      clearTimeout(timer);
    }
  }

  private connect(): Promise<UpstreamClient> {
    const { config, logger } = this.options;
    const events: UpstreamEvents = {
      listChanged: () => this.relistSoon(),
      resourceUpdated: (uri) => {
        if (this.withinBudget()) this.options.onResourceUpdated(uri);
      },
      closed: (reason) => this.onClosed(reason),
      stderr: (line) => logger.debug({ upstreamStderr: line }, 'upstream stderr'),
      log: (level, data, name) => this.logUpstream(level, data, name),
      ask: {
        elicit: (params) => this.askClient('elicitation', (ctx) => ctx.elicit(carried(ElicitParamsSchema, params, 'form-mode elicitation with a flat object of primitive fields'))),
        createMessage: (params) => this.askClient('sampling', (ctx) => ctx.createMessage(carried(CreateMessageParamsSchema, params, 'sampling without tools or context inclusion'))),
        listRoots: () => this.askClient('roots', (ctx) => ctx.listRoots()),
      },
    };
    const connecting = this.inFlight.outside(() =>
      UpstreamClient.connect(config.upstream, events, {
        timeoutMs: config.connectTimeoutMs,
        // Room for an answer well over the cap, which then gets a clear "too large"; a larger one
        // ends the connection (the SDK's buffer refuses it) and the child is restarted.
        maxMessageBytes: Math.max(config.maxResultBytes * 4, MAX_MESSAGE_FLOOR_BYTES),
        bearerToken: this.options.bearerToken,
      }),
    );
    this.connecting = connecting.then(
      (client) => {
        this.connecting = undefined;
        if (this.stopped) {
          void client.close();
          throw new Error('stopped');
        }
        this.current = client;
        clearTimeout(this.retryTimer);
        this.retryTimer = undefined;
        logger.info({ pid: client.pid, attempt: this.attempt }, 'connected to the upstream MCP server');
        this.attempt = 0;
        // Whether the backoff timer or a waiting call opened it, a new connection is listed
        // again (a restarted child may offer something else) and gets the subscriptions back.
        if (this.connectedBefore) void this.afterReconnect(client);
        this.connectedBefore = true;
        return client;
      },
      (error: unknown) => {
        this.connecting = undefined;
        logger.warn({ err: error, attempt: this.attempt }, 'could not connect to the upstream MCP server');
        this.scheduleReconnect();
        throw error;
      },
    );
    return this.connecting;
  }

  private onClosed(reason: string): void {
    this.options.logger.warn({ reason }, 'the upstream MCP server went away: reconnecting with backoff');
    this.current = undefined;
    this.scheduleReconnect();
  }

  /** Forgets a connection that failed a request (closed, or an expired HTTP session) and opens another. */
  private dropConnection(client: UpstreamClient): void {
    if (this.current !== client) return;
    this.current = undefined;
    void client.close();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer || this.connecting) return;
    this.attempt++;
    const delay = backoffDelayMs(this.attempt, { baseDelayMs: this.options.config.restart.baseDelayMs, maxDelayMs: this.options.config.restart.maxDelayMs });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped || this.current || this.connecting) return;
      this.connect().catch(() => undefined); // logged, and the next try is scheduled
    }, delay);
    this.retryTimer.unref();
  }

  private async afterReconnect(client: UpstreamClient): Promise<void> {
    try {
      this.options.onListing(await client.list(this.options.config.connectTimeoutMs));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not list the upstream after reconnecting');
    }
    await this.resubscribe(client);
  }

  /** Lists again after `list_changed`, at most once per {@link RELIST_PERIOD_MS}: a flood of notifications costs little. */
  private relistSoon(): void {
    this.relistWanted = true;
    if (this.relistTimer || this.relisting) return;
    this.relistTimer = setTimeout(() => void this.relist(), RELIST_PERIOD_MS);
    this.relistTimer.unref();
  }

  private async relist(): Promise<void> {
    this.relistTimer = undefined;
    const client = this.current;
    if (!client || this.stopped) return;
    this.relistWanted = false;
    this.relisting = true;
    try {
      this.options.onListing(await client.list(this.options.config.connectTimeoutMs));
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not list the upstream after list_changed');
    } finally {
      this.relisting = false;
      if (this.relistWanted) this.relistSoon();
    }
  }

  /**
   * Asks the client of the call the upstream's request belongs to, through the kit (the hub
   * carries it to the client's session, or as an `input_required` round to a 2026 client).
   * Every failure becomes a {@link ClientRequestRefused} the upstream can read.
   */
  private async askClient<T>(what: string, ask: (ctx: HandlerContext) => Promise<T>): Promise<T> {
    const owner = this.inFlight.owner();
    if ('problem' in owner) {
      // Within the log budget: an upstream that asks in a loop must not fill the log.
      if (this.logBudget.take()) this.options.logger.warn({ request: what, reason: owner.problem }, 'refused a request of the upstream to the client');
      throw new ClientRequestRefused('failed', `The hub's bridge cannot relay this ${what} request: ${owner.problem}.`);
    }
    try {
      return await ask(owner.ctx);
    } catch (error) {
      if (error instanceof ClientRequestRefused) throw error;
      if (error instanceof ClientRequestFailed) {
        if (this.logBudget.take()) owner.ctx.logger.info({ request: what, reason: error.reason }, 'the client did not answer the upstream');
        // What a client without the capability answers: the upstream treats it as "not supported".
        if (error.reason === 'capability_missing' || error.reason === 'unsupported') throw new ClientRequestRefused('method_not_found', `The MCP client behind the hub does not support ${what}: ${error.message}`);
        throw new ClientRequestRefused('failed', `The MCP client behind the hub did not answer the ${what} request (${error.reason}): ${error.message}`);
      }
      owner.ctx.logger.warn({ err: error, request: what }, 'relaying a request of the upstream to the client failed');
      throw new ClientRequestRefused('failed', `The hub's bridge could not relay the ${what} request.`);
    }
  }

  /**
   * The upstream's MCP log messages, at its level, within their own budget.
   * TODO(#12): relay them to the call's client too. That needs a hub that offers `logging`
   * (`logging/setLevel` per session) and a log event on the call's events subject, as progress has.
   */
  private logUpstream(level: string, data: unknown, name: string | undefined): void {
    if (!this.logBudget.take()) return;
    const text = typeof data === 'string' ? data : JSON.stringify(data) ?? String(data);
    this.options.logger[LOG_LEVELS[level] ?? 'info']({ upstreamLevel: level.slice(0, 20), ...(name !== undefined && { upstreamLogger: name.slice(0, 200) }), upstreamLog: text.slice(0, 2000) }, 'upstream log message');
  }

  /** Whether one more notification may be relayed; what is over budget is counted and logged once in a while. */
  private withinBudget(): boolean {
    if (this.budget.take()) return true;
    if (this.dropped++ % 1000 === 0) this.options.logger.warn({ dropped: this.dropped }, 'the upstream sends more notifications than notificationsPerSecond: dropping the excess');
    return false;
  }

  private toolError(failure: UpstreamFailure, what: string, ctx: HandlerContext): ToolError {
    const log = ctx.logger;
    switch (failure.kind) {
      case 'timeout':
        return new ToolError('timeout', `The upstream MCP server did not answer ${what} before the deadline.`);
      case 'cancelled':
        return new ToolError('cancelled', 'The call was cancelled.');
      case 'closed':
      case 'session_expired':
        return new ToolError('upstream', `The upstream MCP server stopped while ${what}; the bridge is restarting it. Try again in a few seconds.`);
      case 'invalid_answer':
        log.warn({ detail: failure.detail }, 'the upstream sent an invalid answer');
        return new ToolError('upstream', `The upstream MCP server sent an invalid answer to ${what}.`);
      case 'refused':
        // The upstream's own error message is its answer to the model (an MCP protocol error, e.g. unknown resource).
        return new ToolError(failure.code === -32002 ? 'not_found' : failure.code === -32602 ? 'invalid_arguments' : 'upstream', `The upstream MCP server refused ${what}: ${failure.message}`);
      case 'unauthorized':
        return new ToolError('unauthorized', `The upstream MCP server refused the bridge's credentials (HTTP ${failure.status}); an operator must fix the connector's configuration.`);
      case 'other':
        log.warn({ detail: failure.detail }, 'upstream request failed');
        return new ToolError('upstream', `The upstream MCP server failed ${what}.`);
    }
  }
}

/** The upstream's params in the shape the hub carries, or a refusal that says what it carries. */
function carried<S extends z.ZodType>(schema: S, params: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ClientRequestRefused('invalid_params', `The hub carries ${what} only (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}).`);
}
