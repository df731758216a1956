import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Bus, Subscription } from '@mcp-hub/bus';
import {
  CompletionResultSchema,
  PromptGetResultSchema,
  ResourceReadResultSchema,
  ResourceUpdatedSchema,
  ToolResultSchema,
  Subjects,
  qualifiedResourceName,
  tryDecode,
  type CompletionResult,
  type ErrorReply,
  type Principal,
  type PromptGetResult,
  type ResourceReadResult,
  type ToolResult,
} from '@mcp-hub/connector-contract';
import { Inventory, type InventoryChange, type InventoryTool } from './inventory/inventory';
import { RegistryListener } from './inventory/registry-listener';
import { ArgumentValidator } from './invocation/argument-validator';
import { BusInvoker, type InvokeOptions, type InvokeOutcome, type Progress } from './invocation/bus-invoker';
import { ClientRequestError, ConnectorFailure, HubLocalError, type ClientRequestErrorKind } from './invocation/hub-errors';
import { HubMetrics, UNKNOWN_LABEL, type CallOutcome, type HubOperation } from './metrics/hub-metrics';

/** A tool as listed to MCP clients. */
export interface ListedTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations: Record<string, unknown>;
}

export interface CallOptions {
  principal: Principal;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  traceparent?: string;
}

export interface HubOptions {
  bus: Bus;
  hubId: string;
  logger: Logger;
  /** The deployment namespace: the first token of every subject (see `Subjects`). Default `mcphub`. */
  namespace?: string;
  /** Per-call deadline in ms. Default 30 000. */
  callTimeoutMs?: number;
  /** How often the hub looks for dead replicas, in ms. Default 1000. */
  sweepMs?: number;
  /** Where the bus connects, without credentials (`nats://10.0.0.5:4222`): named in {@link Hub.notReadyReason}. */
  busUrl?: string;
  /** Where calls, errors and gauges are recorded (served on `/metrics`). Default: a registry of this hub's own. */
  metrics?: HubMetrics;
  /** Per connector id, what clients see before its tool and prompt names instead of the id (`''` for none). */
  namePrefixes?: ReadonlyMap<string, string>;
}

/** A subscribe reply carries nothing; one schema object, since the invoker caches per schema. */
const SubscribeResultSchema = z.object({});

/** Scope that grants every tool (the embedded single-user mode). */
export const ALL_SCOPES = '*';

/**
 * The hub's core, independent of the MCP SDK: what clients may see, and every call forwarded
 * over the bus. The MCP adapter (src/mcp) turns MCP requests into calls on this class.
 */
export class Hub extends EventEmitter<{ listChanged: [InventoryChange]; resourceUpdated: [string] }> {
  readonly inventory: Inventory;
  /** The deployment's subjects (namespace). */
  readonly subjects: Subjects;
  /** This hub's Prometheus metrics. */
  readonly metrics: HubMetrics;
  private readonly registry: RegistryListener;
  private readonly invoker: BusInvoker;
  private readonly validator: ArgumentValidator;
  private readonly logger: Logger;
  private listedTools: ListedTool[] = [];
  private updatesSubscription?: Subscription;
  private busWasConnected: boolean;
  private readonly stopStatusWatch: () => void;

  constructor(private readonly options: HubOptions) {
    super();
    this.logger = options.logger;
    this.subjects = new Subjects(options.namespace);
    this.inventory = new Inventory(this.subjects, options.namePrefixes);
    this.inventory.on('collision', ({ kind, name, kept, refused }) =>
      this.logger.warn({ kind, name, kept, refused }, `${kind} name ${name} of connector ${refused} refused: connector ${kept} already exposes it`),
    );
    this.metrics = options.metrics ?? new HubMetrics();
    this.metrics.watchHub(this);
    this.busWasConnected = options.bus.status === 'connected';
    this.stopStatusWatch = options.bus.onStatus((status) => {
      if (status === 'connected') this.busWasConnected = true;
    });
    this.validator = new ArgumentValidator((tool, reason) => this.logger.warn({ tool, reason }, 'tool input schema does not compile'));
    this.registry = new RegistryListener({ bus: options.bus, inventory: this.inventory, logger: options.logger, hubId: options.hubId, subjects: this.subjects, sweepMs: options.sweepMs });
    this.invoker = new BusInvoker({
      bus: options.bus,
      hubId: options.hubId,
      subjects: this.subjects,
      logger: options.logger,
      defaultTimeoutMs: options.callTimeoutMs,
      replicasOf: (connector) => this.inventory.replicaCount(connector),
      onBusyResend: (connector) => this.metrics.recordBusyResend(connector),
    });
    this.inventory.on('replicaLost', (connector, replicaId) => {
      const failed = this.invoker.replicaLost(connector, replicaId);
      if (failed > 0) this.logger.warn({ connector, replicaId, failed }, 'replica lost with calls in flight');
    });
    this.inventory.on('change', (change) => {
      if (change.tools) this.listedTools = this.inventory.tools().map(toListedTool);
      this.emit('listChanged', change);
    });
  }

  async start(): Promise<void> {
    await this.invoker.start();
    this.updatesSubscription = this.options.bus.subscribe(this.subjects.allResourceUpdates(), (message) => {
      const update = tryDecode(ResourceUpdatedSchema, message.data);
      // A connector may only announce updates of its own resources.
      const sender = this.subjects.resourceUpdatedSender(message.subject);
      if (!update || sender === undefined || this.inventory.resourceOwner(update.uri) !== sender) {
        this.logger.warn({ subject: message.subject }, 'resource update ignored (malformed, or not the sender\'s resource)');
        return;
      }
      this.emit('resourceUpdated', update.uri);
    });
    await this.registry.start();
  }

  stop(): void {
    this.stopStatusWatch();
    this.registry.stop();
    this.invoker.stop();
    this.updatesSubscription?.unsubscribe();
  }

  /** The bus this hub forwards on (its HTTP front relays cancellations between replicas on it). */
  get bus(): Bus {
    return this.options.bus;
  }

  /** This replica's id on the bus. */
  get hubId(): string {
    return this.options.hubId;
  }

  /** Calls, reads and prompt requests sent to connectors and waiting for their reply. */
  get callsInFlight(): number {
    return this.invoker.pendingCount;
  }

  /** Why the hub is not ready (readiness is the bus being connected), for operators (`bus: connecting to nats://…`); undefined when ready. */
  get notReadyReason(): string | undefined {
    const status = this.options.bus.status;
    if (status === 'connected') return undefined;
    if (status === 'closed') return 'bus: closed';
    const where = this.options.busUrl ? ` to ${this.options.busUrl}` : '';
    return this.busWasConnected ? `bus: reconnecting${where}` : `bus: connecting${where}`;
  }

  listTools(principal: Principal): ListedTool[] {
    if (principal.scopes.includes(ALL_SCOPES)) return this.listedTools;
    // listedTools is built from inventory.tools() at the same change, so indexes line up.
    const tools = this.inventory.tools();
    return this.listedTools.filter((_, i) => mayUse(principal, tools[i]!.descriptor.scopes));
  }

  /**
   * Calls a tool. Tool-level failures (bad arguments, connector errors, hub-local failures) are
   * results with `isError: true`.
   * @throws ClientRequestError for a tool that does not exist or the principal may not see.
   */
  async callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResult> {
    const tool = this.visibleTool(name, options.principal);
    const invalid = this.validator.check(tool.descriptor, args);
    if (invalid) {
      this.metrics.recordError('client', 'invalid_arguments');
      this.metrics.recordCall(tool.connector, 'tool_call', tool.qualifiedName, 'tool_error', 0);
      return errorResult(invalid);
    }
    const { subject } = tool;
    const body = { tool: tool.descriptor.name, arguments: args };
    try {
      const outcome = await this.observed(tool.connector, 'tool_call', tool.qualifiedName, () =>
        this.invoker.invoke(tool.connector, subject, body, ToolResultSchema, {
          ...options,
          retryIfReplicaLost: tool.descriptor.annotations.idempotentHint,
        }),
      );
      return outcome.ok ? outcome.value : errorResult(connectorMessage(outcome.error));
    } catch (error) {
      return errorResult(this.hubLocalMessage(error, name));
    }
  }

  /** Resources as clients see them: names prefixed as their connector's tool names are. */
  listResources(): Array<Record<string, unknown>> {
    return [...this.inventory.resources()].map(({ connector, descriptor }) => ({ ...descriptor, name: qualifiedResourceName(connector, descriptor.name, this.inventory.prefixOf(connector)) }));
  }

  /** Resource templates as clients see them: names prefixed as their connector's tool names are. */
  listResourceTemplates(): Array<Record<string, unknown>> {
    return this.inventory.resourceTemplates().map(({ connector, descriptor }) => ({ ...descriptor, name: qualifiedResourceName(connector, descriptor.name, this.inventory.prefixOf(connector)) }));
  }

  /** @throws ClientRequestError (`resource_not_found`) or HubLocalError */
  async readResource(uri: string, options: CallOptions): Promise<ResourceReadResult> {
    const connector = this.inventory.resourceOwner(uri);
    if (!connector) {
      this.recordRefused('resource_read', 'resource_not_found');
      throw new ClientRequestError('resource_not_found', `Resource not found: ${uri}`);
    }
    const outcome = await this.observed(connector, 'resource_read', '', () =>
      this.invoker.invoke(connector, this.subjects.resourceRead(connector), { uri }, ResourceReadResultSchema, options),
    );
    return unwrap(outcome);
  }

  /**
   * Checks that a live connector serves the resource (an exact resource or a template match) and
   * that its owner accepts the subscription, so a subscription to nothing is refused.
   * @throws ClientRequestError (`invalid_params`) naming the URI no connector serves
   */
  async subscribeResource(uri: string, options: CallOptions): Promise<void> {
    const unknown = `Unknown resource: ${uri.slice(0, 200)} (no connector serves it; see resources/list and resources/templates/list)`;
    if (!this.servesResource(uri)) throw new ClientRequestError('invalid_params', unknown);
    const connector = this.resourceOwner(uri);
    const outcome = await this.invoker.invoke(connector, this.subjects.resourceSubscribe(connector), { uri }, SubscribeResultSchema, options);
    if (!outcome.ok && outcome.error.kind === 'not_found') throw new ClientRequestError('invalid_params', unknown);
    unwrap(outcome);
  }

  /** Whether a live connector serves `uri`: an exact resource, or a match of one of its templates. */
  servesResource(uri: string): boolean {
    return this.inventory.resourceOwner(uri) !== undefined;
  }

  listPrompts(): Array<Record<string, unknown>> {
    return [...this.inventory.prompts()].map(({ qualifiedName, descriptor }) => ({ ...descriptor, name: qualifiedName }));
  }

  async getPrompt(name: string, args: Record<string, string>, options: CallOptions): Promise<PromptGetResult> {
    const prompt = this.inventory.prompt(name);
    if (!prompt) {
      this.recordRefused('prompt_get', 'invalid_params');
      throw new ClientRequestError('invalid_params', `Unknown prompt: ${name}`);
    }
    const outcome = await this.observed(prompt.connector, 'prompt_get', '', () =>
      this.invoker.invoke(prompt.connector, this.subjects.promptGet(prompt.connector), { prompt: prompt.descriptor.name, arguments: args }, PromptGetResultSchema, options),
    );
    return unwrap(outcome);
  }

  async complete(
    ref: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string },
    argument: { name: string; value: string },
    context: Record<string, string>,
    options: CallOptions,
  ): Promise<CompletionResult> {
    let connector: string | undefined;
    let wireRef;
    if (ref.type === 'ref/prompt') {
      const prompt = this.inventory.prompt(ref.name);
      connector = prompt?.connector;
      wireRef = { type: 'prompt', name: prompt?.descriptor.name };
    } else {
      connector = this.inventory.templateOwner(ref.uri);
      wireRef = { type: 'resource', uriTemplate: ref.uri };
    }
    if (!connector) throw new ClientRequestError('invalid_params', 'Unknown completion reference');
    const outcome = await this.invoker.invoke(connector, this.subjects.complete(connector), { ref: wireRef, argument, context }, CompletionResultSchema, options);
    return unwrap(outcome);
  }

  /**
   * Runs one forwarded call and records it: outcome, latency, and the error's kind. `connector`
   * and `tool` come from the live inventory, so the labels stay bounded.
   */
  private async observed<T>(connector: string, operation: HubOperation, tool: string, invoke: () => Promise<InvokeOutcome<T>>): Promise<InvokeOutcome<T>> {
    const started = performance.now();
    let outcome: CallOutcome = 'internal';
    try {
      const result = await invoke();
      if (result.ok) outcome = 'ok';
      else {
        outcome = result.error.kind === 'busy' ? 'busy' : 'tool_error';
        this.metrics.recordError('connector', result.error.kind);
      }
      return result;
    } catch (error) {
      outcome = error instanceof HubLocalError ? error.kind : 'internal';
      this.metrics.recordError('hub', outcome);
      throw error;
    } finally {
      this.metrics.recordCall(connector, operation, tool, outcome, (performance.now() - started) / 1000);
    }
  }

  /** Records a call naming nothing live under {@link UNKNOWN_LABEL}: the name the client sent is unbounded. */
  private recordRefused(operation: HubOperation, kind: ClientRequestErrorKind): void {
    this.metrics.recordError('client', kind);
    this.metrics.recordCall(UNKNOWN_LABEL, operation, operation === 'tool_call' ? UNKNOWN_LABEL : '', kind, 0);
  }

  private visibleTool(name: string, principal: Principal): InventoryTool {
    const tool = this.inventory.tool(name);
    if (!tool || !mayUse(principal, tool.descriptor.scopes)) {
      this.recordRefused('tool_call', 'invalid_params');
      throw new ClientRequestError('invalid_params', `Unknown tool: ${name}`);
    }
    return tool;
  }

  private resourceOwner(uri: string): string {
    const connector = this.inventory.resourceOwner(uri);
    if (!connector) throw new ClientRequestError('resource_not_found', `Resource not found: ${uri}`);
    return connector;
  }

  private hubLocalMessage(error: unknown, what: string): string {
    if (error instanceof HubLocalError) {
      const log = error.kind === 'cancelled' ? this.logger.info.bind(this.logger) : this.logger.warn.bind(this.logger);
      log({ connector: error.connector, kind: error.kind, detail: error.detail, what }, 'call failed in the hub');
      return error.publicMessage();
    }
    this.logger.error({ err: error, what }, 'unexpected hub failure');
    return 'The hub failed while handling this call. The failure has been logged.';
  }
}

export type { InvokeOptions };

function toListedTool(tool: InventoryTool): ListedTool {
  const { descriptor } = tool;
  return {
    name: tool.qualifiedName,
    ...(descriptor.title && { title: descriptor.title }),
    description: descriptor.description,
    inputSchema: descriptor.inputSchema,
    ...(descriptor.outputSchema && { outputSchema: descriptor.outputSchema }),
    annotations: descriptor.annotations,
  };
}

function mayUse(principal: Principal, required: readonly string[]): boolean {
  if (principal.scopes.includes(ALL_SCOPES)) return true;
  return required.every((scope) => principal.scopes.includes(scope));
}

function errorResult(message: string): ToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

function connectorMessage(error: ErrorReply): string {
  const retry = error.retryAfterMs !== undefined ? ` Retry after ${Math.ceil(error.retryAfterMs / 1000)} s.` : '';
  return `${error.message}${retry}`;
}

/** Non-tool operations: a connector error becomes a protocol error for the client. */
function unwrap<T>(outcome: InvokeOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  if (outcome.error.kind === 'not_found') throw new ClientRequestError('resource_not_found', outcome.error.message);
  if (outcome.error.kind === 'invalid_arguments') throw new ClientRequestError('invalid_params', outcome.error.message);
  throw new ConnectorFailure(connectorMessage(outcome.error));
}
