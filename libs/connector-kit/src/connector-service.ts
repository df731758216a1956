import { randomUUID, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import pino, { type Logger } from 'pino';
import type { Bus, Subscription } from '@mcp-hub/bus';
import { inSpan, tracingEnabled } from '@mcp-hub/telemetry';
import {
  CompletionRequestSchema,
  InvocationRequestSchema,
  PromptGetRequestSchema,
  ResourceReadRequestSchema,
  ResourceSubscribeRequestSchema,
  Subjects,
  encode,
  manifestDigest,
  signManifest,
  type CompletionRequest,
  type InvocationRequest,
  type Manifest,
} from '@mcp-hub/connector-contract';
import type { ConnectorDefinition } from './define-connector';
import type { ResourceUpdatePublisher } from './connector-module';
import type { HandlerContext } from './handler-context';
import { CallRunner, errorKind, type RequestEnvelope } from './call-runner';
import { ReplicaPresence } from './replica-presence';
import type { Redactor } from './redactor';
import type { PrincipalAssertionVerifier } from './principal-assertion-verifier';
import { ToolError } from './tool-error';

export interface RunConnectorOptions<D> {
  bus: Bus;
  /** What the handlers need: clients, stores, configuration. Built by the caller's main. */
  deps: D;
  logger?: Logger;
  /** Defaults to a random UUID. */
  replicaId?: string;
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
  /** Masks secrets in every error reply; give the process's redactor (see `buildConnector`). Default: credential shapes only. */
  redactor?: Redactor;
  /**
   * Told of every answered request: the tool name (or operation), the outcome (`ok` or the reply's
   * error kind) and the handler's time. What the replica's metrics port counts (see `ReplicaMetrics`).
   */
  observe?: (tool: string, outcome: string, seconds: number) => void;
  /** Verifies the hub's principal assertion on every request before any handler runs (see {@link PrincipalAssertionVerifier}). */
  assertions?: PrincipalAssertionVerifier;
  /** The connector's Ed25519 private key: every manifest it announces is signed with it (`signManifest`). Absent: unsigned. */
  signingKey?: KeyObject;
}

/**
 * One running replica of a connector on a {@link Bus}: serves every tool, resource and prompt
 * from the connector's queue group, and drains on stop. It composes the replica's presence in the
 * registry ({@link ReplicaPresence}) with the running of its calls ({@link CallRunner}), the way
 * nats.js's services API keeps discovery apart from endpoints.
 */
export class ConnectorService<D> implements ResourceUpdatePublisher {
  readonly replicaId: string;
  private readonly bus: Bus;
  private readonly deps: D;
  private readonly logger: Logger;
  private readonly drainTimeoutMs: number;
  private readonly subjects: Subjects;
  private readonly presence: ReplicaPresence;
  private readonly calls: CallRunner;
  private readonly workSubscriptions: Subscription[] = [];
  /** One subscription per tool subject, so that {@link update} can add and remove tools. */
  private readonly toolSubscriptions = new Map<string, Subscription>();
  private current: ConnectorDefinition<D>;
  private cancelSubscription?: Subscription;
  private stopping?: Promise<void>;
  private started = false;
  private readonly observe?: (tool: string, outcome: string, seconds: number) => void;
  private readonly signingKey?: KeyObject;

  constructor(connector: ConnectorDefinition<D>, options: RunConnectorOptions<D>) {
    this.current = connector;
    const { manifest } = connector;
    this.bus = options.bus;
    this.deps = options.deps;
    this.replicaId = options.replicaId ?? randomUUID();
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ connector: manifest.id, replica: this.replicaId });
    this.drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
    this.subjects = new Subjects(options.namespace);
    this.observe = options.observe;
    this.signingKey = options.signingKey;
    const common = { bus: this.bus, subjects: this.subjects, replicaId: this.replicaId, logger: this.logger };
    this.calls = new CallRunner({
      ...common,
      connectorId: manifest.id,
      contractVersion: manifest.contractVersion,
      maxConcurrency: options.maxConcurrency,
      maxQueued: options.maxQueued,
      redactor: options.redactor,
      assertions: options.assertions,
    });
    this.presence = new ReplicaPresence({
      ...common,
      manifest: this.signed(manifest),
      digest: manifestDigest(manifest),
      heartbeatMs: options.heartbeatMs ?? 2000,
      inFlight: () => this.calls.inFlight,
    });
  }

  /** Invocations running now. */
  get inFlight(): number {
    return this.calls.inFlight;
  }

  /** Calls refused as `busy` since start (at the concurrency limit with a full wait line). */
  get refusedBusy(): number {
    return this.calls.refusedBusy;
  }

  /** Why hubs should not route here now, or undefined when the replica serves (its `/readyz`). */
  notReadyReason(): string | undefined {
    if (this.stopping) return 'draining';
    if (!this.started) return 'starting';
    if (this.bus.status !== 'connected') return `NATS ${this.bus.status}`;
    return undefined;
  }

  /** The definition served now (the last one given to {@link update}). */
  get connector(): ConnectorDefinition<D> {
    return this.current;
  }

  /** Subscribes to its subjects, then announces itself and starts heartbeating. */
  async start(): Promise<void> {
    const id = this.connector.manifest.id;
    const subjects = this.subjects;
    this.serveTools();
    this.serve(subjects.resourceRead(id), ResourceReadRequestSchema, this.observed('resources/read', (request, ctx) => this.readResource(request.uri, ctx)));
    this.serve(subjects.resourceSubscribe(id), ResourceSubscribeRequestSchema, this.observed('resources/subscribe', (request, ctx) => this.subscribe(request.uri, ctx)));
    this.serve(subjects.promptGet(id), PromptGetRequestSchema, this.observed('prompts/get', (request, ctx) => this.getPrompt(request.prompt, request.arguments, ctx)));
    this.serve(subjects.complete(id), CompletionRequestSchema, this.observed('completion/complete', (request, ctx) => this.complete(request, ctx)));
    this.cancelSubscription = this.bus.subscribe(subjects.cancel(id), (message) => this.calls.onCancel(message));
    await this.presence.start();
    this.started = true;
    this.logger.info({ tools: this.connector.tools.size }, 'connector replica started');
  }

  /**
   * Serves a new definition of the same connector (its offer changed while it runs): tools that
   * left stop being served, new ones are served, and the replica announces the new manifest, so
   * hubs send `list_changed`. Calls already running finish with the definition they started with.
   */
  update(connector: ConnectorDefinition<D>): void {
    if (connector.manifest.id !== this.current.manifest.id) throw new Error(`connector ${this.current.manifest.id} cannot become ${connector.manifest.id}`);
    if (this.stopping) return;
    this.current = connector;
    this.serveTools();
    this.presence.update(this.signed(connector.manifest), manifestDigest(connector.manifest));
    this.logger.info({ tools: connector.tools.size }, 'connector replica re-announced');
  }

  /**
   * Tells every hub that one of this connector's resources changed, outside any call (a call uses
   * `ctx.resourceUpdated`). Dropped once stopping, and while the bus is not connected: an update
   * is a hint to re-read, and a client that missed one reads the current state on its next read.
   */
  resourceUpdated(uri: string): void {
    if (this.stopping || this.bus.status !== 'connected') return;
    try {
      this.bus.publish(this.subjects.resourceUpdated(this.current.manifest.id), encode({ uri }));
    } catch (error) {
      this.logger.warn({ err: error }, 'could not publish a resource update');
    }
  }

  /** The manifest as announced: signed when the replica has a signing key (the digest leaves the signature out). */
  private signed(manifest: Manifest): Manifest {
    return this.signingKey ? signManifest(manifest, this.signingKey) : manifest;
  }

  /** Subscribes to the subject of every tool of the current definition, and unsubscribes from those of tools it no longer has. */
  private serveTools(): void {
    const id = this.current.manifest.id;
    const queue = this.subjects.queueGroup(id);
    for (const [name, subscription] of this.toolSubscriptions) {
      if (this.current.tools.has(name)) continue;
      subscription.unsubscribe();
      this.toolSubscriptions.delete(name);
    }
    for (const name of this.current.tools.keys()) {
      if (this.toolSubscriptions.has(name)) continue;
      const handle = this.observed(name, (request: InvocationRequest, ctx: HandlerContext): Promise<unknown> => {
        const tool = this.current.tools.get(name);
        if (!tool) throw new ToolError('not_found', `The tool ${name} is no longer offered.`);
        return tool.run(request.arguments, ctx, this.deps);
      });
      const subscription = this.bus.subscribe(this.subjects.invoke(id, name), (message) => void this.calls.run(message, InvocationRequestSchema, handle), { queue });
      this.toolSubscriptions.set(name, subscription);
    }
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
    this.presence.leave();
    const subscriptions = [...this.workSubscriptions, ...this.toolSubscriptions.values()];
    if (this.bus.status !== 'closed') await Promise.all(subscriptions.map((s) => s.drain().catch(() => undefined)));
    await this.calls.drain(this.drainTimeoutMs);
    this.presence.stop();
    this.cancelSubscription?.unsubscribe();
    if (this.bus.status !== 'closed') await this.bus.flush().catch(() => undefined);
    this.logger.info('connector replica stopped');
  }

  private serve<R extends RequestEnvelope>(subject: string, schema: z.ZodType<R>, handle: (request: R, ctx: HandlerContext) => Promise<unknown>): void {
    const queue = this.subjects.queueGroup(this.connector.manifest.id);
    this.workSubscriptions.push(this.bus.subscribe(subject, (message) => void this.calls.run(message, schema, handle), { queue }));
  }

  /**
   * `handle`, timed and reported to `observe` when one is given, and run in a span continuing the
   * hub's trace when tracing is on. Without either, `handle` itself: nothing on the hot path.
   */
  private observed<R extends RequestEnvelope>(label: string, handle: (request: R, ctx: HandlerContext) => Promise<unknown>): (request: R, ctx: HandlerContext) => Promise<unknown> {
    const observe = this.observe;
    const id = this.connector.manifest.id;
    const traced: (request: R, ctx: HandlerContext) => Promise<unknown> = tracingEnabled()
      ? (request, ctx) => inSpan(`${id} ${label}`, 'server', { 'mcphub.connector': id, 'mcphub.tool': label, 'mcphub.invocation_id': request.invocationId }, () => handle(request, ctx), request.traceparent)
      : handle;
    if (!observe) return traced;
    return async (request, ctx) => {
      const started = performance.now();
      try {
        const result = await traced(request, ctx);
        observe(label, 'ok', (performance.now() - started) / 1000);
        return result;
      } catch (error) {
        observe(label, errorKind(error, ctx.signal), (performance.now() - started) / 1000);
        throw error;
      }
    };
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

  private async subscribe(uri: string, ctx: HandlerContext): Promise<unknown> {
    const known = this.connector.resources.has(uri) || this.connector.resourceTemplates.some((t) => t.template.match(uri));
    if (!known) throw new ToolError('not_found', `No resource ${uri} in this connector.`);
    await this.connector.subscribe?.(uri, ctx, this.deps);
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
    const values = (await completer(request.argument.value, ctx, this.deps, request.context)).slice(0, 100);
    return { values, hasMore: false };
  }
}

/** Starts a replica of `connector` on `bus`. Stop it with {@link ConnectorService.stop}. */
export async function runConnector<D>(connector: ConnectorDefinition<D>, options: RunConnectorOptions<D>): Promise<ConnectorService<D>> {
  const service = new ConnectorService(connector, options);
  await service.start();
  return service;
}

