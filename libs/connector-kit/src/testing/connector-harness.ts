import { randomUUID } from 'node:crypto';
import { InProcessBus, type Bus } from '@mcp-hub/bus';
import {
  ReplySchema,
  ToolResultSchema,
  ResourceReadResultSchema,
  PromptGetResultSchema,
  CompletionResultSchema,
  decode,
  encode,
  Subjects,
  type CompletionResult,
  type ErrorReply,
  type Principal,
  type PromptGetResult,
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
}

/**
 * Runs a connector on an in-process bus and calls it the way the hub does (same subjects, same
 * messages), so a connector author tests handlers, schemas and error replies without a hub.
 */
export class ConnectorHarness<D> {
  /** The subjects the harness's connector serves (default namespace). */
  readonly subjects = new Subjects();

  private constructor(
    readonly bus: Bus,
    readonly service: ConnectorService<D>,
    private readonly connectorId: string,
  ) {}

  static async start<D>(connector: ConnectorDefinition<D>, deps: D): Promise<ConnectorHarness<D>> {
    const bus = new InProcessBus();
    const service = await runConnector(connector, { bus, deps, heartbeatMs: 60_000 });
    return new ConnectorHarness(bus, service, connector.manifest.id);
  }

  /** Calls a tool; resolves with the tool result, rejects with {@link ConnectorReplyError} on an error reply. */
  async callTool(tool: string, args: Record<string, unknown>, options: HarnessCallOptions = {}): Promise<ToolResult> {
    const result = await this.request(this.subjects.invoke(this.connectorId, tool), { tool, arguments: args }, options);
    return ToolResultSchema.parse(result);
  }

  async readResource(uri: string, options: HarnessCallOptions = {}): Promise<ResourceReadResult> {
    return ResourceReadResultSchema.parse(await this.request(this.subjects.resourceRead(this.connectorId), { uri }, options));
  }

  async getPrompt(prompt: string, args: Record<string, string>, options: HarnessCallOptions = {}): Promise<PromptGetResult> {
    return PromptGetResultSchema.parse(await this.request(this.subjects.promptGet(this.connectorId), { prompt, arguments: args }, options));
  }

  async complete(
    ref: { type: 'prompt'; name: string } | { type: 'resource'; uriTemplate: string },
    argument: { name: string; value: string },
    options: HarnessCallOptions = {},
  ): Promise<CompletionResult> {
    return CompletionResultSchema.parse(await this.request(this.subjects.complete(this.connectorId), { ref, argument, context: {} }, options));
  }

  async stop(): Promise<void> {
    await this.service.stop();
    await this.bus.close();
  }

  private async request(subject: string, body: Record<string, unknown>, options: HarnessCallOptions): Promise<unknown> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const invocationId = randomUUID();
    const message = {
      invocationId,
      deadline: Date.now() + timeoutMs,
      principal: options.principal ?? { id: 'test-user', scopes: [] },
      ...body,
    };
    const onAbort = () => this.bus.publish(this.subjects.cancel(this.connectorId), encode({ invocationId }));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = decode(ReplySchema, (await this.bus.request(subject, encode(message), { timeoutMs })).data);
      if (reply.status === 'error') throw new ConnectorReplyError(reply);
      if (reply.status === 'accepted') return { accepted: reply.jobId };
      return reply.result;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }
}
