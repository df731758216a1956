import { randomUUID } from 'node:crypto';
import { InProcessBus, type Bus } from '@mcp-hub/bus';
import {
  HubEventSchema,
  ReplySchema,
  ResourceUpdatedSchema,
  ToolResultSchema,
  ResourceReadResultSchema,
  PromptGetResultSchema,
  CompletionResultSchema,
  decode,
  encode,
  tryDecode,
  Subjects,
  type CompletionResult,
  type ErrorKind,
  type ErrorReply,
  type Principal,
  type PromptGetResult,
  type Reply,
  type ResourceReadResult,
  type ToolResult,
} from '@mcp-hub/connector-contract';
import type { ConnectorDefinition } from '../define-connector';
import { runConnector, type ConnectorService } from '../connector-service';

/** The error a harness call returns when the connector answered with an error reply. */
export class ConnectorReplyError extends Error {
  override readonly name = 'ConnectorReplyError';
  constructor(readonly reply: ErrorReply) {
    super(`${reply.kind}: ${reply.message}`);
  }
}

export interface HarnessCallOptions {
  principal?: Principal;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Ask for progress, as an MCP client does with a progress token (`wantsProgress`). Default false. */
  progress?: boolean;
}

/** One progress notification a handler sent with `ctx.progress`. */
export interface HarnessProgress {
  progress: number;
  total?: number;
  message?: string;
}

/** A reply the harness received, whatever it was. */
export interface HarnessReply {
  operation: 'tool' | 'resource' | 'prompt' | 'complete';
  /** The tool or prompt name, the resource URI, or the completed argument's name. */
  name: string;
  invocationId: string;
  status: Reply['status'];
  /** The error kind, for an error reply. */
  kind?: ErrorKind;
}

/** How a tool call ended, without throwing: the result, or the connector's error reply. */
export type ToolCallOutcome = { invocationId: string; progress: HarnessProgress[] } & ({ ok: true; result: ToolResult } | { ok: false; error: ErrorReply });

/** Where the harness asks connectors to publish invocation events (a hub's events inbox). */
const HARNESS_HUB_ID = 'harness';

/**
 * Runs a connector on an in-process bus and calls it the way the hub does (same subjects, same
 * messages, an events subject on every request), so a connector author tests handlers, schemas
 * and error replies without a hub. It records what a hub would see besides the replies: the
 * resources announced as updated, each call's progress, and every reply's status and kind.
 * Every call resolves only after the events published before its reply have been recorded.
 */
export class ConnectorHarness<D> {
  /** The subjects the harness's connector serves (default namespace). */
  readonly subjects = new Subjects();
  /** URIs the connector announced with `ctx.resourceUpdated`, in order. */
  readonly resourceUpdates: string[] = [];
  /** Every reply received, in order. */
  readonly replies: HarnessReply[] = [];
  private readonly progress = new Map<string, HarnessProgress[]>();
  private readonly eventsSubject: string;

  private constructor(
    readonly bus: Bus,
    readonly service: ConnectorService<D>,
    private readonly connectorId: string,
  ) {
    this.eventsSubject = this.subjects.hubEvents(HARNESS_HUB_ID);
    bus.subscribe(this.subjects.resourceUpdated(connectorId), (message) => this.resourceUpdates.push(decode(ResourceUpdatedSchema, message.data).uri));
    bus.subscribe(this.eventsSubject, (message) => {
      const event = tryDecode(HubEventSchema, message.data);
      if (event?.type !== 'progress') return;
      const { invocationId, type: _type, ...progress } = event;
      this.progressOf(invocationId).push(progress);
    });
  }

  /** A harness around a replica already running on an in-process bus (one `startConnector` started, say). */
  static attach<D>(bus: Bus, service: ConnectorService<D>): ConnectorHarness<D> {
    return new ConnectorHarness(bus, service, service.connector.manifest.id);
  }

  static async start<D>(connector: ConnectorDefinition<D>, deps: D): Promise<ConnectorHarness<D>> {
    const bus = new InProcessBus();
    const service = await runConnector(connector, { bus, deps, heartbeatMs: 60_000 });
    return new ConnectorHarness(bus, service, connector.manifest.id);
  }

  /** The error kinds of the error replies received so far, in order. */
  get errorKinds(): ErrorKind[] {
    return this.replies.flatMap((reply) => (reply.kind ? [reply.kind] : []));
  }

  /** The progress a call reported, in order (empty when it reported none). */
  progressOf(invocationId: string): HarnessProgress[] {
    let events = this.progress.get(invocationId);
    if (!events) this.progress.set(invocationId, (events = []));
    return events;
  }

  /** Calls a tool; resolves with the tool result, rejects with {@link ConnectorReplyError} on an error reply. */
  async callTool(tool: string, args: Record<string, unknown>, options: HarnessCallOptions = {}): Promise<ToolResult> {
    const outcome = await this.callToolOutcome(tool, args, options);
    if (!outcome.ok) throw new ConnectorReplyError(outcome.error);
    return outcome.result;
  }

  /**
   * Calls a tool and resolves with how it ended, an error reply included, and the progress it
   * reported (ask for it with `options.progress`). Rejects only when no reply came (a bus error).
   */
  async callToolOutcome(tool: string, args: Record<string, unknown>, options: HarnessCallOptions = {}): Promise<ToolCallOutcome> {
    const { invocationId, reply } = await this.send('tool', tool, this.subjects.invoke(this.connectorId, tool), { tool, arguments: args }, options);
    const progress = this.progressOf(invocationId);
    if (reply.status === 'error') return { ok: false, invocationId, progress, error: reply };
    const result = reply.status === 'accepted' ? { accepted: reply.jobId } : reply.result;
    return { ok: true, invocationId, progress, result: ToolResultSchema.parse(result) };
  }

  async readResource(uri: string, options: HarnessCallOptions = {}): Promise<ResourceReadResult> {
    return ResourceReadResultSchema.parse(await this.request('resource', uri, this.subjects.resourceRead(this.connectorId), { uri }, options));
  }

  async getPrompt(prompt: string, args: Record<string, string>, options: HarnessCallOptions = {}): Promise<PromptGetResult> {
    return PromptGetResultSchema.parse(await this.request('prompt', prompt, this.subjects.promptGet(this.connectorId), { prompt, arguments: args }, options));
  }

  async complete(
    ref: { type: 'prompt'; name: string } | { type: 'resource'; uriTemplate: string },
    argument: { name: string; value: string },
    options: HarnessCallOptions = {},
  ): Promise<CompletionResult> {
    return CompletionResultSchema.parse(await this.request('complete', argument.name, this.subjects.complete(this.connectorId), { ref, argument, context: {} }, options));
  }

  async stop(): Promise<void> {
    await this.service.stop();
    await this.bus.close();
  }

  /** Sends a request and resolves with the result; rejects with {@link ConnectorReplyError} on an error reply. */
  private async request(operation: HarnessReply['operation'], name: string, subject: string, body: Record<string, unknown>, options: HarnessCallOptions): Promise<unknown> {
    const { reply } = await this.send(operation, name, subject, body, options);
    if (reply.status === 'error') throw new ConnectorReplyError(reply);
    if (reply.status === 'accepted') return { accepted: reply.jobId };
    return reply.result;
  }

  private async send(
    operation: HarnessReply['operation'],
    name: string,
    subject: string,
    body: Record<string, unknown>,
    options: HarnessCallOptions,
  ): Promise<{ invocationId: string; reply: Reply }> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const invocationId = randomUUID();
    const message = {
      invocationId,
      deadline: Date.now() + timeoutMs,
      principal: options.principal ?? { id: 'test-user', scopes: [] },
      eventsSubject: this.eventsSubject,
      ...(options.progress && { wantsProgress: true }),
      ...body,
    };
    const onAbort = () => this.bus.publish(this.subjects.cancel(this.connectorId), encode({ invocationId }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = decode(ReplySchema, (await this.bus.request(subject, encode(message), { timeoutMs })).data);
      // Events published before the reply are delivered before it; this lets the last ones land too.
      await this.bus.flush();
      this.replies.push({ operation, name, invocationId, status: reply.status, ...(reply.status === 'error' && { kind: reply.kind }) });
      return { invocationId, reply };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}
