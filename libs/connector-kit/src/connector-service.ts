import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import pino, { type Logger } from 'pino';
import type { Bus, IncomingMessage, Subscription } from '@mcp-hub/bus';
import {
  CancelMessageSchema,
  CompletionRequestSchema,
  DiscoverSchema,
  InvocationRequestSchema,
  PromptGetRequestSchema,
  ResourceReadRequestSchema,
  ResourceSubscribeRequestSchema,
  Subjects,
  decode,
  encode,
  headers,
  manifestDigest,
  tryDecode,
  type Announcement,
  type CompletionRequest,
  type Heartbeat,
  type Principal,
  type Reply,
} from '@mcp-hub/connector-contract';
import type { ConnectorDefinition } from './define-connector';
import type { HandlerContext } from './handler-context';
import { ConcurrencyLimit } from './concurrency-limit';
import { ToolError } from './tool-error';

export interface RunConnectorOptions<D> {
  bus: Bus;
  /** What the handlers need: clients, stores, configuration. Built by the caller's main. */
  deps: D;
  logger?: Logger;
  /** Defaults to a random UUID. */
  instanceId?: string;
  /** The deployment namespace: the first token of every subject (see `Subjects`). Default `mcphub`. */
  namespace?: string;
  /** Heartbeat period in ms; the hub drops a replica after three missed beats. Default 2000. */
  heartbeatMs?: number;
  /** How long {@link ConnectorService.stop} lets in-flight calls finish before aborting them, in ms. Default 10 000. */
  drainTimeoutMs?: number;
  /** Most calls this replica runs at once. Default unlimited. */
  maxConcurrency?: number;
  /**
   * With `maxConcurrency`: how many more calls may wait here for a slot (until it frees or their
   * deadline passes). Calls beyond that are refused at once with a `busy` reply and never start;
   * the hub sends them to another replica. Default 0: NATS spreads calls at random whatever a
   * replica's load, so a call waiting here may sit behind a slow one while another replica idles.
   */
  maxQueued?: number;
}

/** The fields every hub → connector request shares. */
interface RequestEnvelope {
  invocationId: string;
  deadline: number;
  principal: Principal;
  eventsSubject?: string;
  wantsProgress?: boolean;
}

interface RunningCall {
  controller: AbortController;
  done: Promise<void>;
}

/** A call still running after this many milliseconds is announced to its hub as taken by this replica. */
const STARTED_EVENT_DELAY_MS = 20;

/** What the model reads when every try found the connector at capacity (see {@link RunConnectorOptions.maxQueued}). */
const BUSY_MESSAGE = 'The connector is at capacity and did not start the call. Try again in a few seconds.';

const GENERIC_FAILURE = 'The connector failed while handling this request. The failure has been logged.';

/**
 * One running replica of a connector on a {@link Bus}: serves every tool, resource and prompt
 * from the connector's queue group, announces its manifest, heartbeats, and drains on stop.
 */
export class ConnectorService<D> {
  readonly instanceId: string;
  private readonly bus: Bus;
  private readonly deps: D;
  private readonly logger: Logger;
  private readonly heartbeatMs: number;
  private readonly drainTimeoutMs: number;
  private readonly limit?: ConcurrencyLimit;
  private readonly maxQueued: number;
  private readonly digest: string;
  private readonly subjects: Subjects;
  private readonly running = new Map<string, RunningCall>();
  private readonly workSubscriptions: Subscription[] = [];
  private readonly controlSubscriptions: Subscription[] = [];
  private heartbeat?: NodeJS.Timeout;
  private stopping?: Promise<void>;
  private busyCount = 0;

  constructor(
    readonly connector: ConnectorDefinition<D>,
    options: RunConnectorOptions<D>,
  ) {
    this.bus = options.bus;
    this.deps = options.deps;
    this.instanceId = options.instanceId ?? randomUUID();
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ connector: connector.manifest.id, instance: this.instanceId });
    this.heartbeatMs = options.heartbeatMs ?? 2000;
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    if (options.maxConcurrency !== undefined) this.limit = new ConcurrencyLimit(options.maxConcurrency);
    this.maxQueued = options.maxQueued ?? 0;
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 0) throw new Error(`maxQueued must be a non-negative integer, got ${options.maxQueued}`);
    this.digest = manifestDigest(connector.manifest);
    this.subjects = new Subjects(options.namespace);
  }

  /** Invocations running now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Calls refused as `busy` since start (at the concurrency limit with a full wait line). */
  get refusedBusy(): number {
    return this.busyCount;
  }

  /** Subscribes to its subjects, announces itself and starts heartbeating. */
  async start(): Promise<void> {
    const id = this.connector.manifest.id;
    const subjects = this.subjects;
    const queue = subjects.queueGroup(id);
    for (const [name, tool] of this.connector.tools) {
      this.serve(subjects.invoke(id, name), queue, InvocationRequestSchema, (request, ctx) => tool.run(request.arguments, ctx, this.deps));
    }
    this.serve(subjects.resourceRead(id), queue, ResourceReadRequestSchema, (request, ctx) => this.readResource(request.uri, ctx));
    this.serve(subjects.resourceSubscribe(id), queue, ResourceSubscribeRequestSchema, (request) => this.checkSubscribable(request.uri));
    this.serve(subjects.promptGet(id), queue, PromptGetRequestSchema, (request, ctx) => this.getPrompt(request.prompt, request.arguments, ctx));
    this.serve(subjects.complete(id), queue, CompletionRequestSchema, (request, ctx) => this.complete(request, ctx));
    this.controlSubscriptions.push(
      this.bus.subscribe(subjects.cancel(id), (message) => this.onCancel(message)),
      this.bus.subscribe(subjects.discover(), (message) => {
        if (tryDecode(DiscoverSchema, message.data)) this.announce();
      }),
    );
    await this.bus.flush();
    this.announce();
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
    this.logger.info({ tools: this.connector.tools.size }, 'connector replica started');
  }

  /**
   * Drains: says goodbye (hubs stop routing here), stops taking requests, lets in-flight calls
   * finish for up to `drainTimeoutMs`, then aborts the rest. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<void> {
    clearInterval(this.heartbeat);
    const id = this.connector.manifest.id;
    if (this.bus.status !== 'closed') {
      this.bus.publish(this.subjects.registry(id, 'goodbye'), encode({ connector: id, instanceId: this.instanceId }));
      await Promise.all(this.workSubscriptions.map((s) => s.drain().catch(() => undefined)));
    }
    const calls = [...this.running.values()].map((c) => c.done);
    if (calls.length > 0) {
      this.logger.info({ inFlight: calls.length }, 'waiting for in-flight calls');
      const finished = await waitAll(calls, this.drainTimeoutMs);
      if (!finished) {
        for (const call of this.running.values()) call.controller.abort(new Error('connector shutting down'));
        await waitAll([...this.running.values()].map((c) => c.done), 1000);
      }
    }
    for (const subscription of this.controlSubscriptions) subscription.unsubscribe();
    if (this.bus.status !== 'closed') await this.bus.flush().catch(() => undefined);
    this.logger.info('connector replica stopped');
  }

  private announce(): void {
    const announcement: Announcement = {
      instanceId: this.instanceId,
      manifest: this.connector.manifest,
      manifestDigest: this.digest,
      heartbeatMs: this.heartbeatMs,
    };
    this.publishSafely(this.subjects.registry(this.connector.manifest.id, 'announce'), announcement);
  }

  private beat(): void {
    const heartbeat: Heartbeat = {
      connector: this.connector.manifest.id,
      instanceId: this.instanceId,
      manifestDigest: this.digest,
      inFlight: this.running.size,
    };
    this.publishSafely(this.subjects.registry(this.connector.manifest.id, 'heartbeat'), heartbeat);
  }

  private publishSafely(subject: string, message: unknown): void {
    if (this.bus.status !== 'connected') return; // the next beat or a discovery covers it
    try {
      this.bus.publish(subject, encode(message));
    } catch (error) {
      this.logger.warn({ err: error, subject }, 'publish failed');
    }
  }

  private serve<R extends RequestEnvelope>(
    subject: string,
    queue: string,
    schema: z.ZodType<R>,
    handle: (request: R, ctx: HandlerContext) => Promise<unknown>,
  ): void {
    const subscription = this.bus.subscribe(subject, (message) => void this.handle(message, schema, handle), { queue });
    this.workSubscriptions.push(subscription);
  }

  private async handle<R extends RequestEnvelope>(
    message: IncomingMessage,
    schema: z.ZodType<R>,
    handle: (request: R, ctx: HandlerContext) => Promise<unknown>,
  ): Promise<void> {
    // Refused before anything else: the cheapest possible answer while overloaded, and the call
    // has not started, so the hub may send it elsewhere.
    if (this.limit?.full && this.limit.queued >= this.maxQueued) {
      this.busyCount++;
      this.reply(message, { status: 'error', kind: 'busy', message: BUSY_MESSAGE });
      return;
    }
    let request: R;
    try {
      request = decode(schema, message.data);
    } catch (error) {
      this.logger.warn({ subject: message.subject, reason: (error as Error).message }, 'malformed request refused');
      this.reply(message, { status: 'error', kind: 'internal', message: 'The connector could not read the request.' });
      return;
    }
    const remaining = request.deadline - Date.now();
    if (remaining <= 0) {
      this.reply(message, { status: 'error', kind: 'timeout', message: 'The deadline passed before the connector started.' });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new ToolError('timeout', 'The call ran past its deadline.')), remaining);
    let finish!: () => void;
    this.running.set(request.invocationId, { controller, done: new Promise<void>((resolve) => (finish = resolve)) });
    const eventsSubject = request.eventsSubject && this.subjects.isHubEvents(request.eventsSubject) ? request.eventsSubject : undefined;
    // Tell the hub which replica holds the call, so it can fail or retry it if this replica dies.
    // Only calls that outlive a few milliseconds are announced: a fast call's reply says as much,
    // and this keeps a publish off the common path.
    const announce = eventsSubject
      ? setTimeout(() => this.publishSafely(eventsSubject, { type: 'started', invocationId: request.invocationId, instanceId: this.instanceId }), STARTED_EVENT_DELAY_MS)
      : undefined;
    const ctx = this.context(request, controller.signal, eventsSubject);
    const logger = ctx.logger;
    const started = performance.now();
    let release: (() => void) | undefined;
    try {
      if (this.limit) release = await this.limit.acquire(controller.signal);
      const result = await handle(request, ctx);
      this.reply(message, { status: 'ok', result });
      logger.debug({ subject: message.subject, ms: Math.round(performance.now() - started) }, 'call served');
    } catch (error) {
      const reply = this.errorReply(error, controller.signal, logger);
      this.reply(message, reply);
      logger.debug({ subject: message.subject, ms: Math.round(performance.now() - started), kind: (reply as { kind?: string }).kind }, 'call failed');
    } finally {
      release?.();
      clearTimeout(announce);
      clearTimeout(timer);
      this.running.delete(request.invocationId);
      finish();
    }
  }

  private context(request: RequestEnvelope, signal: AbortSignal, eventsSubject: string | undefined): HandlerContext {
    const progressSubject = request.wantsProgress ? eventsSubject : undefined;
    let logger: Logger | undefined;
    const parent = this.logger;
    return {
      signal,
      deadline: request.deadline,
      invocationId: request.invocationId,
      principal: request.principal,
      // Built on first use: most calls never log, and a child logger per call is measurable.
      get logger() {
        logger ??= parent.child({ invocationId: request.invocationId, principal: request.principal.id });
        return logger;
      },
      progress: (progress, total, message) => {
        if (progressSubject) this.publishSafely(progressSubject, { type: 'progress', invocationId: request.invocationId, progress, total, message });
      },
      resourceUpdated: (uri) => this.publishSafely(this.subjects.resourceUpdated(this.connector.manifest.id), { uri }),
    };
  }

  private errorReply(error: unknown, signal: AbortSignal, logger: Logger): Reply {
    if (error instanceof ToolError) {
      return { status: 'error', kind: error.kind, message: error.message, ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) };
    }
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason instanceof ToolError) return { status: 'error', kind: reason.kind, message: reason.message };
      return { status: 'error', kind: 'cancelled', message: 'The call was cancelled.' };
    }
    logger.error({ err: error }, 'handler failed');
    return { status: 'error', kind: 'internal', message: GENERIC_FAILURE };
  }

  private reply(message: IncomingMessage, reply: Reply): void {
    try {
      message.respond(encode(reply), { [headers.contractVersion]: this.connector.manifest.contractVersion });
    } catch (error) {
      this.logger.warn({ err: error }, 'could not send reply');
    }
  }

  private onCancel(message: IncomingMessage): void {
    const cancel = tryDecode(CancelMessageSchema, message.data);
    if (!cancel) return;
    const call = this.running.get(cancel.invocationId);
    if (!call) return;
    this.logger.info({ invocationId: cancel.invocationId, reason: cancel.reason }, 'call cancelled by the hub');
    call.controller.abort(new ToolError('cancelled', 'The call was cancelled.'));
  }

  private async readResource(uri: string, ctx: HandlerContext): Promise<unknown> {
    const fixed = this.connector.resources.get(uri);
    if (fixed) return { contents: await fixed.read(ctx, this.deps) };
    for (const template of this.connector.resourceTemplates) {
      const params = template.template.match(uri);
      if (params) return { contents: await template.read(params, uri, ctx, this.deps) };
    }
    throw new ToolError('not_found', `No resource ${uri} in this connector.`);
  }

  private async checkSubscribable(uri: string): Promise<unknown> {
    const known = this.connector.resources.has(uri) || this.connector.resourceTemplates.some((t) => t.template.match(uri));
    if (!known) throw new ToolError('not_found', `No resource ${uri} in this connector.`);
    return {};
  }

  private async getPrompt(name: string, args: Record<string, string>, ctx: HandlerContext): Promise<unknown> {
    const prompt = this.connector.prompts.get(name);
    if (!prompt) throw new ToolError('not_found', `No prompt ${name} in this connector.`);
    return prompt.render(args, ctx, this.deps);
  }

  private async complete(request: CompletionRequest, ctx: HandlerContext): Promise<unknown> {
    const completers =
      request.ref.type === 'prompt'
        ? this.connector.prompts.get(request.ref.name)?.complete
        : this.connector.resourceTemplates.find((t) => t.descriptor.uriTemplate === (request.ref as { uriTemplate: string }).uriTemplate)?.complete;
    const completer = completers?.[request.argument.name];
    if (!completer) return { values: [] };
    const values = (await completer(request.argument.value, ctx, this.deps)).slice(0, 100);
    return { values, hasMore: false };
  }
}

/** Starts a replica of `connector` on `bus`. Stop it with {@link ConnectorService.stop}. */
export async function runConnector<D>(connector: ConnectorDefinition<D>, options: RunConnectorOptions<D>): Promise<ConnectorService<D>> {
  const service = new ConnectorService(connector, options);
  await service.start();
  return service;
}


async function waitAll(promises: Promise<void>[], timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const result = await Promise.race([Promise.all(promises).then(() => true as const), timeout]);
  clearTimeout(timer);
  return result;
}
