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
  APPROVAL_META_KEY,
  RETRY_AFTER_META_KEY,
  Subjects,
  qualifiedResourceName,
  tryDecode,
  type ClientCapability,
  type CompletionResult,
  type ErrorReply,
  type RoundOutcome,
  type Principal,
  type PromptGetResult,
  type ResourceReadResult,
  type ToolResult,
} from '@mcp-hub/connector-contract';
import { Inventory, type InventoryChange, type InventoryPrompt, type InventoryTool } from './inventory/inventory';
import { RegistryListener } from './inventory/registry-listener';
import type { ManifestSignatures } from './inventory/manifest-signatures';
import { ArgumentValidator } from './invocation/argument-validator';
import { BusInvoker, type InvokeOptions, type InvokeOutcome, type Progress } from './invocation/bus-invoker';
import { ClientRequestForwarder } from './invocation/client-request-forwarder';
import { InputRounds } from './invocation/input-rounds';
import type { ClientChannel } from './invocation/client-channel';
import { ClientRequestError, ConnectorFailure, HubLocalError, type ClientRequestErrorKind } from './invocation/hub-errors';
import { inSpan } from '@mcp-hub/telemetry';
import { RecentCalls } from './admin/recent-calls';
import type { PrincipalAssertionSigner } from './auth/principal-assertion-signer';
import { HubMetrics, UNKNOWN_LABEL, type CallOutcome, type HubOperation } from './metrics/hub-metrics';
import type { PolicyEngine } from './policy/policy-engine';
import { policyPrincipalOf } from './policy/policy-principal';
import type { PolicyAction, PolicyTarget, PromptTarget, ResourceTarget, ToolTarget } from './policy/policy-target';
import { PrincipalViews, type Catalog, type CatalogEntry } from './policy/principal-views';
import type { ToolRateLimits } from './rate-limits/tool-rate-limits';
import type { DefinitionPins } from './pinning/definition-pins';
import { inventoryDefinitions } from './pinning/inventory-definitions';
import { withoutQuarantined } from './pinning/without-quarantined';
import type { HubJobs, JobCallOptions } from './jobs/hub-jobs';
import type { ApprovalGate } from './approvals/approval-gate';
import { untrustedSourceOfResource, untrustedSourceOfResult } from './approvals/untrusted-marks';
import type { AuditLog } from './audit/audit-log';
import type { CallAudit } from './audit/call-audit';
import type { HubTasks } from './tasks/hub-tasks';
import type { HubChains } from './chains/hub-chains';

/** A tool as listed to MCP clients. */
export interface ListedTool {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations: Record<string, unknown>;
  /** MCP Tasks: a job tool may be called as a task (`taskSupport: 'optional'`). */
  execution?: { taskSupport: 'optional' };
}

export interface CallOptions {
  principal: Principal;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  traceparent?: string;
  /** The MCP client behind the call, which the connector may ask (elicitation, sampling, roots). */
  client?: ClientChannel;
  /**
   * What session taint is recorded under: the 2025 session's id, a stdio connection, or a
   * 2026 client's principal (it has no session). Absent: the call neither taints nor is tainted.
   */
  taintScope?: string;
  /** The client's MCP session, when it has one (2025-era HTTP), for the audit record. */
  sessionId?: string;
  /** Asks a job tool's call to answer at once as an MCP task (see {@link Hub.runsAsJob}); other tools ignore it. */
  task?: JobCallOptions['task'];
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
  /** Signs the principal assertion every request to a connector carries. Absent: none is sent. */
  assertions?: PrincipalAssertionSigner;
  /**
   * Who may see and use what (Cedar). Without one, every principal may use every tool its scopes
   * allow (tests, and a hub configured without a policy). The caller starts and stops it.
   */
  policy?: PolicyEngine;
  /** Tool-call rate limits per principal × tool and per connector. Without them, calls are not limited. */
  rateLimits?: ToolRateLimits;
  /** Per connector id, what clients see before its tool and prompt names instead of the id (`''` for none). */
  namePrefixes?: ReadonlyMap<string, string>;
  /**
   * Tool pinning and description scanning: held definitions are hidden from lists and unknown to
   * calls. Without it, every announced definition is served. The caller starts and stops it.
   */
  pins?: DefinitionPins;
  /**
   * Which connector manifests must be signed, and by which keys (issue 14, server spoofing).
   * Without it, announcements are not checked for signatures.
   */
  manifestSignatures?: ManifestSignatures;
  /** Runs `execution: 'job'` tools on BullMQ and serves `jobs_get`, `jobs_cancel` and `jobs://`. Without it, job tools are called like the others. */
  jobs?: HubJobs;
  /**
   * Holds calls that need a person's approval (policy `@approval`, destructive and open-world
   * write tools, tainted sessions) and records session taint. Without it, every allowed call
   * runs at once. The caller closes its store.
   */
  approvals?: ApprovalGate;
  /** Records every tool call, resource read and prompt get in a hash chain. The caller closes it (after {@link Hub.stop}). */
  audit?: AuditLog;
  /** MCP Tasks over the jobs (`tasks/*`); only with {@link jobs}. */
  tasks?: HubTasks;
  /** Service chains from the configuration, each served as the tool `chain_<name>`. The hub starts and closes them. */
  chains?: HubChains;
}

/** Which lists changed; `principals`, when set, names the only principals whose lists changed (a policy edit). */
export interface ListChange extends InventoryChange {
  principals?: ReadonlySet<string>;
}

type ListedItem = Record<string, unknown>;
type HubCatalog = Catalog<ListedTool, ListedItem, ListedItem>;

/** Longest target (tool or prompt name, URI) an audit record keeps: the client chose it. */
const MAX_AUDIT_TARGET_CHARS = 512;

/** A subscribe reply carries nothing; one schema object, since the invoker caches per schema. */
const SubscribeResultSchema = z.object({});

/** Scope that grants every tool (the embedded single-user mode). */
export const ALL_SCOPES = '*';

/**
 * The hub's core, independent of the MCP SDK: what clients may see, and every call forwarded
 * over the bus. The MCP adapter (src/mcp) turns MCP requests into calls on this class.
 */
export class Hub extends EventEmitter<{ listChanged: [ListChange]; resourceUpdated: [string] }> {
  readonly inventory: Inventory;
  /** The deployment's subjects (namespace). */
  readonly subjects: Subjects;
  /** This hub's Prometheus metrics. */
  readonly metrics: HubMetrics;
  /** The last calls forwarded, for the admin page. */
  readonly recentCalls = new RecentCalls();
  private readonly registry: RegistryListener;
  private readonly invoker: BusInvoker;
  private readonly clientRequests: ClientRequestForwarder;
  private readonly rounds: InputRounds;
  private readonly validator: ArgumentValidator;
  private readonly logger: Logger;
  /** Every tool, resource and prompt the live inventory offers, as lists show them; rebuilt on each inventory change. */
  private catalog: HubCatalog = { tools: [], resources: [], resourceTemplates: [], prompts: [] };
  private readonly views?: PrincipalViews<ListedTool, ListedItem, ListedItem>;
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
    if (options.approvals) this.metrics.watchApprovals(options.approvals);
    this.busWasConnected = options.bus.status === 'connected';
    this.stopStatusWatch = options.bus.onStatus((status) => {
      if (status === 'connected') this.busWasConnected = true;
    });
    this.validator = new ArgumentValidator((tool, reason) => this.logger.warn({ tool, reason }, 'tool input schema does not compile'));
    const signatures = options.manifestSignatures;
    this.registry = new RegistryListener({
      bus: options.bus,
      inventory: this.inventory,
      logger: options.logger,
      hubId: options.hubId,
      subjects: this.subjects,
      sweepMs: options.sweepMs,
      signatures,
      onSignatureRefused: (connector, reason) => this.metrics.recordManifestRefusal(signatures?.hasKey(connector) ? connector : UNKNOWN_LABEL, reason),
    });
    this.invoker = new BusInvoker({
      bus: options.bus,
      hubId: options.hubId,
      subjects: this.subjects,
      logger: options.logger,
      defaultTimeoutMs: options.callTimeoutMs,
      replicasOf: (connector) => this.inventory.replicaCount(connector),
      onBusyResend: (connector) => this.metrics.recordBusyResend(connector),
      assertions: options.assertions,
    });
    this.clientRequests = new ClientRequestForwarder({ bus: options.bus, subjects: this.subjects, hubId: options.hubId, invoker: this.invoker, logger: options.logger });
    this.rounds = new InputRounds({ bus: options.bus, subjects: this.subjects, hubId: options.hubId, logger: options.logger, relayWaitMs: (options.callTimeoutMs ?? 30_000) + 5000 });
    this.inventory.on('replicaLost', (connector, replicaId) => {
      const failed = this.invoker.replicaLost(connector, replicaId);
      if (failed > 0) this.logger.warn({ connector, replicaId, failed }, 'replica lost with calls in flight');
    });
    const { policy } = options;
    if (policy) {
      this.views = new PrincipalViews(policy);
      // Synchronous with the swap: no request runs between a new policy and the views computed from it.
      policy.on('changed', () => {
        const change = this.views!.policyChanged(this.catalog);
        if (change) this.emit('listChanged', change);
      });
    }
    options.audit?.on('written', (n) => this.metrics.recordAuditRecords('written', n));
    options.audit?.on('failed', (n) => this.metrics.recordAuditRecords('failed', n));
    options.audit?.on('dropped', (n) => this.metrics.recordAuditRecords('dropped', n));
    const { pins } = options;
    if (pins) {
      pins.on('quarantined', (kind, reason) => this.metrics.recordQuarantine(kind, reason));
      pins.on('changed', () => {
        this.catalog = withoutQuarantined(buildCatalog(this.inventory, this.options.tasks !== undefined), pins);
        this.views?.clear();
        this.emit('listChanged', { tools: true, resources: true, prompts: true });
      });
    }
    this.inventory.on('change', (change) => {
      pins?.review(inventoryDefinitions(this.inventory));
      this.catalog = withoutQuarantined(buildCatalog(this.inventory, this.options.tasks !== undefined), pins);
      this.views?.clear();
      policy?.updateSchema({ tools: this.inventory.tools(), prompts: this.inventory.prompts() });
      this.emit('listChanged', change);
    });
  }

  async start(): Promise<void> {
    await this.invoker.start();
    await this.options.chains?.start((name, args, options) => this.callTool(name, args, options));
    this.clientRequests.start();
    this.rounds.start();
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
    this.clientRequests.stop();
    this.rounds.stop();
    this.updatesSubscription?.unsubscribe();
    void this.options.jobs?.close().catch((error: unknown) => this.logger.warn({ err: error }, 'job queues did not close'));
    this.options.tasks?.close();
    void this.options.chains?.close().catch((error: unknown) => this.logger.warn({ err: error }, 'chains did not close'));
  }

  /** The bus this hub forwards on (its HTTP front relays cancellations between replicas on it). */
  get bus(): Bus {
    return this.options.bus;
  }

  /** The approval gate, when this hub holds calls for approval (the admin API lists and decides through it). */
  get approvals(): ApprovalGate | undefined {
    return this.options.approvals;
  }

  /** Tool pinning, when on: the admin page lists and approves held definitions through it. */
  get pins(): DefinitionPins | undefined {
    return this.options.pins;
  }

  /** Long-running tools on BullMQ, when configured: the admin page lists recent jobs through it. */
  get jobs(): HubJobs | undefined {
    return this.options.jobs;
  }

  /** This replica's id on the bus. */
  get hubId(): string {
    return this.options.hubId;
  }

  /** The audit log this hub records into, when it has one. */
  get audit(): AuditLog | undefined {
    return this.options.audit;
  }

  /** 2026-era tool calls kept between rounds (waiting for input, or finished and not yet collected). */
  get parkedCalls(): number {
    return this.rounds.size;
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

  /** The tools `principal` may use: its scopes cover the tool's, and the policy may allow some call of it. */
  listTools(principal: Principal): readonly ListedTool[] {
    const tools = this.connectorAndJobTools(principal);
    const chains = this.options.chains?.visibleTools(principal, tools) ?? [];
    return chains.length > 0 ? [...tools, ...chains] : tools;
  }

  private connectorAndJobTools(principal: Principal): readonly ListedTool[] {
    const tools = this.views ? this.views.view(policyPrincipalOf(principal), this.catalog).tools : this.catalog.tools.map((entry) => entry.listed);
    const own = this.options.jobs?.tools ?? [];
    if (principal.scopes.includes(ALL_SCOPES)) return own.length > 0 ? [...tools, ...own] : tools;
    return [...tools.filter((tool) => mayUse(principal, this.inventory.tool(tool.name)!.descriptor.scopes)), ...own];
  }

  /** MCP Tasks over the jobs, when job tools run on BullMQ. */
  get tasks(): HubTasks | undefined {
    return this.options.jobs ? this.options.tasks : undefined;
  }

  /**
   * Whether `name` runs as a job here (so a call of it may become a task).
   * @throws ClientRequestError for a tool that does not exist or the principal may not see, as {@link callTool}
   */
  runsAsJob(name: string, principal: Principal): boolean {
    if (this.options.jobs?.isOwnTool(name)) return false;
    return this.options.jobs !== undefined && this.visibleTool(name, principal).descriptor.execution === 'job';
  }

  /**
   * Calls a tool. Tool-level failures (bad arguments, connector errors, hub-local failures) are
   * results with `isError: true`.
   * @throws ClientRequestError for a tool that does not exist or the principal may not see.
   */
  callTool(name: string, args: Record<string, unknown>, options: CallOptions): Promise<ToolResult> {
    return this.audited('tool_call', name, args, options, (call) => this.runToolCall(name, args, options, call));
  }

  private async runToolCall(name: string, args: Record<string, unknown>, options: CallOptions, call: CallAudit): Promise<ToolResult> {
    const { principal } = options;
    if (this.options.jobs?.isOwnTool(name)) return this.options.jobs.callOwnTool(name, args, principal);
    if (this.options.chains?.isOwnTool(name)) return this.options.chains.call(name, args, options, this.connectorAndJobTools(principal));
    const tool = this.visibleTool(name, principal);
    const invalid = this.validator.check(tool.descriptor, args);
    if (invalid) {
      this.metrics.recordError('client', 'invalid_arguments');
      this.metrics.recordCall(tool.connector, 'tool_call', tool.qualifiedName, 'tool_error', 0);
      return errorResult(invalid);
    }
    const decision = this.decide(principal, 'call', toolTarget(tool), args);
    if (decision) call.decision = { allowed: decision.allowed, policies: decision.policies };
    if (decision && !decision.allowed) {
      call.outcome = 'policy_denied';
      this.metrics.recordError('client', 'policy_denied');
      this.metrics.recordCall(tool.connector, 'tool_call', tool.qualifiedName, 'policy_denied', 0);
      return errorResult(`The hub's policy does not allow ${tool.qualifiedName} with these arguments.`);
    }
    const limited = await this.options.rateLimits?.consume(principal.id, tool.connector, tool.qualifiedName);
    if (limited && !limited.allowed) {
      call.outcome = 'rate_limited';
      this.metrics.recordError('client', 'rate_limited');
      this.metrics.recordCall(tool.connector, 'tool_call', tool.qualifiedName, 'rate_limited', 0);
      return rateLimitedResult(tool.qualifiedName, limited.limit, limited.retryAfterMs);
    }
    // Last before running, after the rate limits: a consumed approval is never wasted on a refusal.
    const { approvals } = this.options;
    if (approvals) {
      const gate = await approvals.check({
        principal,
        tool: tool.qualifiedName,
        connector: tool.connector,
        annotations: tool.descriptor.annotations,
        args,
        policyRequires: decision?.needsApproval === true,
        taintScope: options.taintScope,
        client: options.client,
        signal: options.signal,
        onProgress: options.onProgress,
      });
      if (!gate.run) {
        call.outcome = gate.outcome;
        call.approvalId = gate.approvalId;
        this.metrics.recordError(gate.outcome === 'internal' ? 'hub' : 'client', gate.outcome);
        this.metrics.recordCall(tool.connector, 'tool_call', tool.qualifiedName, gate.outcome, 0);
        return gate.result;
      }
      call.approvalId = gate.approvalId;
    } else if (decision?.needsApproval) {
      // Fail closed: nobody could approve it here.
      call.outcome = 'approval_denied';
      this.logger.warn({ principal: principal.id, tool: tool.qualifiedName, policies: decision.policies }, 'call needs approval, but this hub runs without an approval store: refused');
      this.metrics.recordError('client', 'approval_denied');
      this.metrics.recordCall(tool.connector, 'tool_call', tool.qualifiedName, 'approval_denied', 0);
      return errorResult(`The hub's policy requires a person's approval for ${tool.qualifiedName}, and this hub has no way to ask for one, so it did not run.`);
    }
    if (tool.descriptor.execution === 'job' && this.options.jobs) {
      try {
        return await this.options.jobs.call(tool.connector, tool.descriptor.name, args, options);
      } catch (error) {
        this.logger.warn({ err: error, tool: tool.qualifiedName }, 'job not started');
        return errorResult('The hub could not start this job. The failure has been logged.');
      }
    }
    const { subject } = tool;
    const body = { tool: tool.descriptor.name, arguments: args };
    try {
      const outcome = await this.observed(
        tool.connector,
        'tool_call',
        tool.qualifiedName,
        () =>
          this.invoker.invoke(tool.connector, subject, body, ToolResultSchema, {
            ...options,
            retryIfReplicaLost: tool.descriptor.annotations.idempotentHint,
            onClaimed: (replicaId) => (call.replicaId = replicaId),
          }),
        call,
      );
      if (outcome.ok) {
        await this.noteUntrusted(options.taintScope, untrustedSourceOfResult(outcome.value));
        return withoutForgedApproval(outcome.value);
      }
      const { retryAfterMs } = outcome.error;
      return { ...errorResult(connectorMessage(outcome.error)), ...(retryAfterMs !== undefined && { _meta: { [RETRY_AFTER_META_KEY]: retryAfterMs } }) };
    } catch (error) {
      return errorResult(this.hubLocalMessage(error, name));
    }
  }

  /**
   * Calls a tool for a 2026-07-28 client, which the connector asks for input through results
   * (`input_required`) instead of requests: resolves with the result, or with the requests to put
   * to the client and the state it retries with ({@link resumeToolCall}). `options.signal`
   * (the client's request) cancels the call.
   * @throws ClientRequestError as {@link callTool}
   */
  callToolInRounds(name: string, args: Record<string, unknown>, capabilities: readonly ClientCapability[], options: CallOptions): Promise<RoundOutcome> {
    if (!this.options.jobs?.isOwnTool(name)) this.visibleTool(name, options.principal);
    return this.rounds.begin(name, options.principal.id, capabilities, (client, signal) => this.callTool(name, args, { ...options, client, signal }), options.signal);
  }

  /** A 2026-07-28 client's retry of a call that waited for input, with its answers (`inputResponses`) and the state it was given. */
  resumeToolCall(state: string, name: string, responses: Record<string, unknown>, options: CallOptions): Promise<RoundOutcome> {
    return this.rounds.resume(state, name, options.principal.id, responses, options.signal);
  }

  /** Resources `principal` may read, as clients see them: names prefixed with their connector's id, as tool names are. */
  listResources(principal: Principal): readonly ListedItem[] {
    return scoped(principal, this.views ? this.views.view(policyPrincipalOf(principal), this.catalog).resources : this.catalog.resources.map((entry) => entry.listed));
  }

  /** Resource templates `principal` may read (checked with the template as the URI), named as {@link listResources} names resources. */
  listResourceTemplates(principal: Principal): readonly ListedItem[] {
    return scoped(principal, this.views ? this.views.view(policyPrincipalOf(principal), this.catalog).resourceTemplates : this.catalog.resourceTemplates.map((entry) => entry.listed));
  }

  /**
   * Reads a resource. One the principal lacks the scopes for, or the policy does not let it read,
   * is "not found", exactly like one that does not exist.
   * @throws ClientRequestError (`resource_not_found`) or HubLocalError
   */
  readResource(uri: string, options: CallOptions): Promise<ResourceReadResult> {
    return this.audited('resource_read', uri, { uri }, options, (call) => this.runResourceRead(uri, options, call));
  }

  private async runResourceRead(uri: string, options: CallOptions, call: CallAudit): Promise<ResourceReadResult> {
    if (this.options.jobs?.servesUri(uri)) {
      const job = await this.options.jobs.read(uri, options.principal);
      if (!job) throw new ClientRequestError('resource_not_found', `Resource not found: ${uri}`);
      return job;
    }
    const connector = this.visibleResourceOwner(uri, options.principal);
    if (!connector || !this.mayRead(options.principal, connector, uri)) {
      this.recordRefused('resource_read', 'resource_not_found');
      throw new ClientRequestError('resource_not_found', `Resource not found: ${uri}`);
    }
    const outcome = await this.observed(
      connector,
      'resource_read',
      '',
      () => this.invoker.invoke(connector, this.subjects.resourceRead(connector), { uri }, ResourceReadResultSchema, { ...options, onClaimed: (replicaId) => (call.replicaId = replicaId) }),
      call,
    );
    const result = unwrap(outcome);
    await this.noteUntrusted(options.taintScope, untrustedSourceOfResource(result));
    return result;
  }

  /**
   * Checks that a live connector serves the resource (an exact resource or a template match) and
   * that its owner accepts the subscription, so a subscription to nothing is refused.
   * @throws ClientRequestError (`invalid_params`) naming the URI no connector serves
   */
  async subscribeResource(uri: string, options: CallOptions): Promise<void> {
    const unknown = `Unknown resource: ${uri.slice(0, 200)} (no connector serves it; see resources/list and resources/templates/list)`;
    if (!this.visibleResourceOwner(uri, options.principal)) throw new ClientRequestError('invalid_params', unknown);
    const connector = this.resourceOwner(uri);
    if (!this.mayRead(options.principal, connector, uri)) throw new ClientRequestError('invalid_params', unknown);
    const outcome = await this.invoker.invoke(connector, this.subjects.resourceSubscribe(connector), { uri }, SubscribeResultSchema, options);
    if (!outcome.ok && outcome.error.kind === 'not_found') throw new ClientRequestError('invalid_params', unknown);
    unwrap(outcome);
  }

  /**
   * Whether a live connector serves `uri` (an exact resource, or a match of one of its templates),
   * and `principal`, when given, may read it (its scopes, then the policy): what a 2026 listen
   * stream may subscribe to.
   */
  servesResource(uri: string, principal?: Principal): boolean {
    if (principal) {
      const connector = this.visibleResourceOwner(uri, principal);
      return connector !== undefined && this.mayRead(principal, connector, uri);
    }
    return this.inventory.resourceOwner(uri) !== undefined;
  }

  /** Prompts `principal` may get. */
  listPrompts(principal: Principal): readonly ListedItem[] {
    return scoped(principal, this.views ? this.views.view(policyPrincipalOf(principal), this.catalog).prompts : this.catalog.prompts.map((entry) => entry.listed));
  }

  /**
   * Gets a prompt. One hidden from `principal` (scopes or policy) is "Unknown prompt", exactly like
   * one that does not exist; a visible one the policy refuses for these arguments is refused as such.
   */
  getPrompt(name: string, args: Record<string, string>, options: CallOptions): Promise<PromptGetResult> {
    return this.audited('prompt_get', name, args, options, (call) => this.runPromptGet(name, args, options, call));
  }

  private async runPromptGet(name: string, args: Record<string, string>, options: CallOptions, call: CallAudit): Promise<PromptGetResult> {
    const prompt = this.visiblePrompt(name, options.principal);
    if (!prompt || (this.views && !this.views.view(policyPrincipalOf(options.principal), this.catalog).promptNames.has(name))) {
      this.recordRefused('prompt_get', 'invalid_params');
      throw new ClientRequestError('invalid_params', `Unknown prompt: ${name}`);
    }
    const decision = this.decide(options.principal, 'get_prompt', promptTarget(prompt.connector, prompt.qualifiedName), args);
    if (decision) call.decision = { allowed: decision.allowed, policies: decision.policies };
    if (decision && !decision.allowed) {
      call.outcome = 'policy_denied';
      this.recordRefused('prompt_get', 'invalid_params');
      throw new ClientRequestError('invalid_params', `The hub's policy does not allow ${name} with these arguments`);
    }
    const outcome = await this.observed(
      prompt.connector,
      'prompt_get',
      '',
      () =>
        this.invoker.invoke(prompt.connector, this.subjects.promptGet(prompt.connector), { prompt: prompt.descriptor.name, arguments: args }, PromptGetResultSchema, {
          ...options,
          onClaimed: (replicaId) => (call.replicaId = replicaId),
        }),
      call,
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
    let target: PolicyTarget | undefined;
    if (ref.type === 'ref/prompt') {
      const prompt = this.visiblePrompt(ref.name, options.principal);
      connector = prompt?.connector;
      wireRef = { type: 'prompt', name: prompt?.descriptor.name };
      if (prompt) target = promptTarget(prompt.connector, prompt.qualifiedName);
    } else {
      const held = this.options.pins?.isQuarantined('resourceTemplate', ref.uri) === true;
      connector = !held && mayUse(options.principal, this.inventory.templateScopes(ref.uri)) ? this.inventory.templateOwner(ref.uri) : undefined;
      wireRef = { type: 'resource', uriTemplate: ref.uri };
      if (connector) target = resourceTarget(connector, ref.uri);
    }
    // Completing a reference the principal may not use is refused as if it did not exist.
    if (!connector || !target || this.decide(options.principal, 'complete', target)?.allowed === false) {
      throw new ClientRequestError('invalid_params', 'Unknown completion reference');
    }
    const outcome = await this.invoker.invoke(connector, this.subjects.complete(connector), { ref: wireRef, argument, context }, CompletionResultSchema, options);
    return unwrap(outcome);
  }

  /**
   * Runs one forwarded call and records it: outcome, latency, and the error's kind. `connector`
   * and `tool` come from the live inventory, so the labels stay bounded.
   */
  private async observed<T>(connector: string, operation: HubOperation, tool: string, invoke: () => Promise<InvokeOutcome<T>>, call: CallAudit): Promise<InvokeOutcome<T>> {
    const started = performance.now();
    let outcome: CallOutcome = 'internal';
    try {
      // With tracing on, the call's span is current while it is sent: the bus invoker puts its traceparent on the request.
      const result = await inSpan(`${operation} ${tool || connector}`, 'client', { 'mcphub.connector': connector, 'mcphub.operation': operation, 'mcphub.tool': tool }, invoke, undefined, (r) => !r.ok);
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
      const seconds = (performance.now() - started) / 1000;
      this.metrics.recordCall(connector, operation, tool, outcome, seconds);
      call.outcome = outcome;
      this.recentCalls.record({ at: Date.now(), connector, operation, tool, outcome, ms: Math.round(seconds * 10_000) / 10 });
    }
  }

  /** Taints the call's scope when its result carried untrusted content (`source`), so later open-world writes there need approval. */
  private async noteUntrusted(scope: string | undefined, source: string | undefined): Promise<void> {
    if (source !== undefined) await this.options.approvals?.noteUntrusted(scope, source);
  }

  /**
   * Runs one call and hands its record to the audit log, if the hub has one: who, what (the
   * target as the client named it, capped), the decision, the outcome (an unset one is taken from
   * how the call ended) and the latency.
   */
  private async audited<T>(operation: HubOperation, target: string, args: unknown, options: CallOptions, run: (call: CallAudit) => Promise<T>): Promise<T> {
    const call: CallAudit = { decision: null };
    const { audit } = this.options;
    if (!audit) return run(call);
    const at = Date.now();
    const started = performance.now();
    try {
      const result = await run(call);
      call.outcome ??= (result as { isError?: boolean }).isError === true ? 'tool_error' : 'ok';
      return result;
    } catch (error) {
      call.outcome ??= error instanceof ClientRequestError || error instanceof HubLocalError ? error.kind : error instanceof ConnectorFailure ? 'tool_error' : 'internal';
      throw error;
    } finally {
      audit.record({
        at,
        principal: options.principal.id,
        sessionId: options.sessionId,
        operation,
        target: target.slice(0, MAX_AUDIT_TARGET_CHARS),
        connector: this.auditedConnector(operation, target),
        replicaId: call.replicaId,
        arguments: args,
        decision: call.decision,
        approvalId: call.approvalId,
        outcome: call.outcome ?? 'internal',
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
      });
    }
  }

  /** The connector that serves an audited call's target, `hub` for the hub's own tools and jobs:// resources. */
  private auditedConnector(operation: HubOperation, target: string): string | undefined {
    if (operation === 'tool_call') return this.options.jobs?.isOwnTool(target) ? 'hub' : this.inventory.tool(target)?.connector;
    if (operation === 'prompt_get') return this.inventory.prompt(target)?.connector;
    return this.options.jobs?.servesUri(target) ? 'hub' : this.inventory.resourceOwner(target);
  }

  /** Records a call naming nothing live under {@link UNKNOWN_LABEL}: the name the client sent is unbounded. */
  private recordRefused(operation: HubOperation, kind: ClientRequestErrorKind): void {
    this.metrics.recordError('client', kind);
    this.metrics.recordCall(UNKNOWN_LABEL, operation, operation === 'tool_call' ? UNKNOWN_LABEL : '', kind, 0);
  }

  /** The policy's decision, or undefined when the hub runs without a policy. */
  private decide(principal: Principal, action: PolicyAction, target: PolicyTarget, args?: Record<string, unknown>) {
    return this.options.policy?.decide(policyPrincipalOf(principal), action, target, args);
  }

  private mayRead(principal: Principal, connector: string, uri: string): boolean {
    return this.decide(principal, 'read', resourceTarget(connector, uri))?.allowed !== false;
  }

  /** The tool `principal` may see (scopes, then policy); anything else is "Unknown tool", exactly like a tool that does not exist. */
  private visibleTool(name: string, principal: Principal): InventoryTool {
    const tool = this.inventory.tool(name);
    const hidden = this.views !== undefined && !this.views.view(policyPrincipalOf(principal), this.catalog).toolNames.has(name);
    if (!tool || !mayUse(principal, tool.descriptor.scopes) || hidden || this.options.pins?.isQuarantined('tool', name)) {
      this.recordRefused('tool_call', 'invalid_params');
      throw new ClientRequestError('invalid_params', `Unknown tool: ${name}`);
    }
    return tool;
  }

  private visiblePrompt(name: string, principal: Principal): InventoryPrompt | undefined {
    const prompt = this.inventory.prompt(name);
    if (this.options.pins?.isQuarantined('prompt', name)) return undefined;
    return prompt && mayUse(principal, prompt.descriptor.scopes) ? prompt : undefined;
  }

  /** The connector serving `uri` when the principal may read it; undefined otherwise. */
  private visibleResourceOwner(uri: string, principal: Principal): string | undefined {
    const scopes = this.inventory.resourceScopes(uri);
    if (this.quarantinedResource(uri)) return undefined;
    return scopes && mayUse(principal, scopes) ? this.inventory.resourceOwner(uri) : undefined;
  }

  /** Whether `uri` is a held resource, or matches a held template (fails closed: an exact resource under a held template is hidden too). */
  private quarantinedResource(uri: string): boolean {
    const { pins } = this.options;
    if (!pins || pins.quarantinedCount === 0) return false;
    if (pins.isQuarantined('resource', uri)) return true;
    return this.inventory.resourceTemplates().some((t) => pins.isQuarantined('resourceTemplate', t.descriptor.uriTemplate) && t.template.match(uri) !== undefined);
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

/** A connector's result without an approval mark of its own making: only the hub's gate says a call waits for approval. */
function withoutForgedApproval(result: ToolResult): ToolResult {
  if (result._meta?.[APPROVAL_META_KEY] === undefined) return result;
  const { [APPROVAL_META_KEY]: _forged, ...meta } = result._meta;
  return { ...result, _meta: meta };
}

function toListedTool(tool: InventoryTool, tasks: boolean): ListedTool {
  const { descriptor } = tool;
  return {
    name: tool.qualifiedName,
    ...(descriptor.title && { title: descriptor.title }),
    description: descriptor.description,
    inputSchema: descriptor.inputSchema,
    // A job tool may answer with a jobs:// link instead of its result, so it promises no output schema.
    ...(descriptor.outputSchema && descriptor.execution !== 'job' && { outputSchema: descriptor.outputSchema }),
    annotations: descriptor.annotations,
    ...(tasks && descriptor.execution === 'job' && { execution: { taskSupport: 'optional' as const } }),
  };
}

function toolTarget(tool: InventoryTool): ToolTarget {
  return { kind: 'tool', connector: tool.connector, name: tool.qualifiedName, annotations: tool.descriptor.annotations, scopes: tool.descriptor.scopes };
}

function resourceTarget(connector: string, uri: string): ResourceTarget {
  return { kind: 'resource', connector, uri };
}

function promptTarget(connector: string, name: string): PromptTarget {
  return { kind: 'prompt', connector, name };
}

/** What lists show, with what the policy checks each item as, from the live inventory. */
function buildCatalog(inventory: Inventory, tasks: boolean): HubCatalog {
  const entry = <L>(listed: L, target: PolicyTarget, key: string): CatalogEntry<L> => ({ listed, target, key });
  return {
    tools: inventory.tools().map((tool) => entry(toListedTool(tool, tasks), toolTarget(tool), tool.qualifiedName)),
    resources: [...inventory.resources()].map(({ connector, descriptor }) =>
      entry<ListedItem>({ ...descriptor, name: qualifiedResourceName(connector, descriptor.name, inventory.prefixOf(connector)) }, resourceTarget(connector, descriptor.uri), descriptor.uri),
    ),
    resourceTemplates: inventory.resourceTemplates().map(({ connector, descriptor }) =>
      entry<ListedItem>({ ...descriptor, name: qualifiedResourceName(connector, descriptor.name, inventory.prefixOf(connector)) }, resourceTarget(connector, descriptor.uriTemplate), descriptor.uriTemplate),
    ),
    prompts: [...inventory.prompts()].map(({ connector, qualifiedName, descriptor }) =>
      entry<ListedItem>({ ...descriptor, name: qualifiedName }, promptTarget(connector, qualifiedName), qualifiedName),
    ),
  };
}

/** Over a rate limit: a tool error the model can act on, with when to retry in text and in `_meta`. */
function rateLimitedResult(tool: string, limit: 'principal_tool' | 'connector', retryAfterMs: number): ToolResult {
  const whose = limit === 'principal_tool' ? `your calls of ${tool}` : `calls of ${tool}'s connector`;
  return { ...errorResult(`Rate limit reached for ${whose}. Retry after ${Math.ceil(retryAfterMs / 1000)} s.`), _meta: { [RETRY_AFTER_META_KEY]: retryAfterMs } };
}

function mayUse(principal: Principal, required: readonly string[] = []): boolean {
  if (principal.scopes.includes(ALL_SCOPES)) return true;
  return required.every((scope) => principal.scopes.includes(scope));
}

/** A descriptor as clients see it: the scopes it needs are the hub's business, not the list's. */
function listed<T extends { scopes?: unknown }>(descriptor: T): Omit<T, 'scopes'> {
  const { scopes: _scopes, ...rest } = descriptor;
  return rest;
}

/** The items `principal`'s scopes cover, without their `scopes` (see {@link listed}). */
function scoped(principal: Principal, items: readonly ListedItem[]): ListedItem[] {
  return items.filter((item) => mayUse(principal, item.scopes as readonly string[] | undefined)).map(listed);
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
