import { randomUUID } from 'node:crypto';
import { InProcessBus, type Bus } from '@mcp-hub/bus';
import {
  CAPABILITY_FOR_METHOD,
  ClientRequestMessageSchema,
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
  type ClientCapability,
  type ClientReply,
  type ClientRequest,
  type CompletionResult,
  type CreateMessageParams,
  type CreateMessageResult,
  type ElicitParams,
  type ElicitResult,
  type ListRootsResult,
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
  /** The call's deadline, from now. Default 5000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Ask for progress, as an MCP client does with a progress token (`wantsProgress`). Default false. */
  progress?: boolean;
  /**
   * The MCP client behind the call, answering the handler's `ctx.elicit`, `ctx.createMessage` and
   * `ctx.listRoots`. Default: a client that declared no capability (each of them throws
   * `ClientRequestFailed` with reason `capability_missing`).
   */
  client?: HarnessClient;
}

/** A scripted answer: a list used in order (one per request), or a function of the request's params. */
export type ScriptedAnswers<P, R> = R[] | ((params: P) => R | Promise<R>);

/** A scripted MCP client for {@link HarnessCallOptions.client}. */
export interface HarnessClient {
  /** What the client declares. Default: the kinds with an answer below. */
  capabilities?: ClientCapability[];
  elicit?: ScriptedAnswers<ElicitParams, ElicitResult>;
  createMessage?: ScriptedAnswers<CreateMessageParams, CreateMessageResult>;
  listRoots?: ScriptedAnswers<void, ListRootsResult>;
  /** Never answer (the person walks away): the handler waits until the deadline or a cancellation. */
  hang?: boolean;
}

/** A server-to-client request a handler sent, as the harness received it. */
export interface HarnessClientRequest {
  invocationId: string;
  request: ClientRequest;
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

/** How long past a call's deadline the harness waits for the reply. */
const DEADLINE_GRACE_MS = 500;

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
  /** Every server-to-client request the connector sent (`ctx.elicit` and the others), in order. */
  readonly clientRequests: HarnessClientRequest[] = [];
  private readonly progress = new Map<string, HarnessProgress[]>();
  /** The scripted client of each call in flight. */
  private readonly clients = new Map<string, HarnessClient>();
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
    bus.subscribe(this.subjects.allClientRequests(HARNESS_HUB_ID), (message) => {
      void this.answerClientRequest(message.data).then((reply) => {
        if (reply) message.respond(encode(reply));
      });
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

  /** Answers a request the way a hub would, from the call's scripted client; undefined: never answers. */
  private async answerClientRequest(data: Uint8Array): Promise<ClientReply | undefined> {
    const message = decode(ClientRequestMessageSchema, data);
    this.clientRequests.push({ invocationId: message.invocationId, request: message.request });
    const client = this.clients.get(message.invocationId);
    if (!client) return { status: 'error', kind: 'refused', message: 'No call in flight with this invocation id.' };
    const { request } = message;
    if (!capabilitiesOf(client).includes(CAPABILITY_FOR_METHOD[request.method])) {
      return { status: 'error', kind: 'capability_missing', message: `The client did not declare the ${CAPABILITY_FOR_METHOD[request.method]} capability.` };
    }
    if (client.hang) return undefined;
    try {
      const result =
        request.method === 'elicitation/create'
          ? await nextAnswer(client.elicit, request.params)
          : request.method === 'sampling/createMessage'
            ? await nextAnswer(client.createMessage, request.params)
            : await nextAnswer(client.listRoots, undefined);
      if (result === undefined) return { status: 'error', kind: 'client_error', message: `The scripted client has no answer left for ${request.method}.` };
      return { status: 'ok', result };
    } catch (error) {
      return { status: 'error', kind: 'client_error', message: (error as Error).message.slice(0, 1000) };
    }
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
      clientCapabilities: capabilitiesOf(options.client ?? {}),
      ...body,
    };
    this.clients.set(invocationId, options.client ?? {});
    const onAbort = () => this.bus.publish(this.subjects.cancel(this.connectorId), encode({ invocationId }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // A little past the deadline, so the connector's own deadline reply is what a test sees.
      const reply = decode(ReplySchema, (await this.bus.request(subject, encode(message), { timeoutMs: timeoutMs + DEADLINE_GRACE_MS })).data);
      // Events published before the reply are delivered before it; this lets the last ones land too.
      await this.bus.flush();
      this.replies.push({ operation, name, invocationId, status: reply.status, ...(reply.status === 'error' && { kind: reply.kind }) });
      return { invocationId, reply };
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.clients.delete(invocationId);
    }
  }
}

function capabilitiesOf(client: HarnessClient): ClientCapability[] {
  if (client.capabilities) return client.capabilities;
  return [client.elicit && 'elicitation', client.createMessage && 'sampling', client.listRoots && 'roots'].filter((c): c is ClientCapability => typeof c === 'string');
}

async function nextAnswer<P, R>(answers: ScriptedAnswers<P, R> | undefined, params: P): Promise<R | undefined> {
  if (answers === undefined) return undefined;
  if (typeof answers === 'function') return answers(params);
  return answers.shift();
}
