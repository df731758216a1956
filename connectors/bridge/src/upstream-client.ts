import { Client, ProtocolError, ProtocolErrorCode, SdkError, SdkErrorCode, SdkHttpError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import type { Readable } from 'node:stream';
import type { CreateMessageResult, ElicitResult, ListRootsResult } from '@mcp-hub/connector-contract';
import type { UpstreamConfig } from './config';

/** What the bridge reads from an upstream's lists, in the SDK's own (already validated) shapes. */
export type UpstreamTool = Awaited<ReturnType<Client['listTools']>>['tools'][number];
export type UpstreamResource = Awaited<ReturnType<Client['listResources']>>['resources'][number];
export type UpstreamResourceTemplate = Awaited<ReturnType<Client['listResourceTemplates']>>['resourceTemplates'][number];
export type UpstreamPrompt = Awaited<ReturnType<Client['listPrompts']>>['prompts'][number];
export type UpstreamToolResult = Awaited<ReturnType<Client['callTool']>>;
export type UpstreamReadResult = Awaited<ReturnType<Client['readResource']>>;
export type UpstreamPromptResult = Awaited<ReturnType<Client['getPrompt']>>;
export type UpstreamCompleteParams = Parameters<Client['complete']>[0];
export type UpstreamCompleteResult = Awaited<ReturnType<Client['complete']>>;

export interface UpstreamListing {
  tools: UpstreamTool[];
  resources: UpstreamResource[];
  resourceTemplates: UpstreamResourceTemplate[];
  prompts: UpstreamPrompt[];
  /** The upstream accepts `resources/subscribe`. */
  subscribe: boolean;
}

/** What one request to the upstream may use: the call's signal and time left, and where progress goes. */
export interface UpstreamRequestOptions {
  signal: AbortSignal;
  timeoutMs: number;
  onProgress?: (progress: number, total?: number, message?: string) => void;
}

export interface UpstreamEvents {
  /** The upstream said one of its lists changed. */
  listChanged(): void;
  /** The upstream said a subscribed resource changed (its own URI). */
  resourceUpdated(uri: string): void;
  /** The connection ended without {@link UpstreamClient.close}: the child died, the stream broke. */
  closed(reason: string): void;
  /** The upstream's stderr (stdio), for the log. */
  stderr?(line: string): void;
  /** The upstream's `notifications/message` (MCP logging), for the log. */
  log(level: string, data: unknown, logger?: string): void;
  /**
   * The upstream asks the client something while a request of ours is open. `params` is the
   * upstream's, checked by the SDK only: the handler parses it.
   * @throws ClientRequestRefused, which the upstream reads as a JSON-RPC error.
   */
  ask: {
    elicit(params: unknown): Promise<ElicitResult>;
    createMessage(params: unknown): Promise<CreateMessageResult>;
    listRoots(): Promise<ListRootsResult>;
  };
}

/**
 * Why the bridge does not answer an upstream's request to the client. The upstream reads it as
 * a JSON-RPC error: `method_not_found` is what a client without the capability answers,
 * `invalid_params` a request the hub cannot carry, `failed` anything else (the message says why).
 */
export class ClientRequestRefused extends Error {
  constructor(
    readonly code: 'method_not_found' | 'invalid_params' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'ClientRequestRefused';
  }
}

/**
 * What the bridge declares to the upstream: every client capability the hub can carry. A bridge
 * serves many clients over one upstream session, so it cannot declare what one client has; a
 * call whose client lacks the capability gets `method_not_found`, as from a client without it
 * (decision 0009). Form-mode elicitation only, sampling without tools, roots without
 * `listChanged` (the hub does not carry the client's roots notifications; roots are asked per call).
 */
const CLIENT_CAPABILITIES = { elicitation: { form: {} }, sampling: {}, roots: {} };

const JSON_RPC_CODE = {
  method_not_found: ProtocolErrorCode.MethodNotFound,
  invalid_params: ProtocolErrorCode.InvalidParams,
  failed: ProtocolErrorCode.InternalError,
} as const;

/** Why an upstream request failed, in the bridge's terms (the SDK stays in this file). */
export type UpstreamFailure =
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'closed' }
  | { kind: 'session_expired' }
  | { kind: 'invalid_answer'; detail: string }
  | { kind: 'refused'; code: number; message: string }
  | { kind: 'unauthorized'; status: number }
  | { kind: 'other'; detail: string };

/** One connection to an upstream MCP server through the MCP SDK client: the only module that imports the SDK. */
export class UpstreamClient {
  private readonly client: Client;
  private closing = false;

  private constructor(
    private readonly config: UpstreamConfig,
    private readonly events: UpstreamEvents,
  ) {
    // 2025-11-25 to every upstream (the SDK's default). TODO(#12): let a 2026-07-28 upstream be
    // spoken to in its era, where its questions come back in the call's own result (decision 0009).
    this.client = new Client({ name: 'mcp-hub-bridge', version: '0.1.0' }, { capabilities: CLIENT_CAPABILITIES });
    const { ask } = events;
    this.client.setRequestHandler('elicitation/create', (request) => answered(() => ask.elicit(request.params)));
    this.client.setRequestHandler('sampling/createMessage', (request) => answered(() => ask.createMessage(request.params)));
    this.client.setRequestHandler('roots/list', () => answered(() => ask.listRoots()));
    this.client.setNotificationHandler('notifications/message', (notification) => events.log(notification.params.level, notification.params.data, notification.params.logger));
    this.client.setNotificationHandler('notifications/tools/list_changed', () => events.listChanged());
    this.client.setNotificationHandler('notifications/resources/list_changed', () => events.listChanged());
    this.client.setNotificationHandler('notifications/prompts/list_changed', () => events.listChanged());
    this.client.setNotificationHandler('notifications/resources/updated', (notification) => events.resourceUpdated(notification.params.uri));
    this.client.onclose = () => {
      if (!this.closing) events.closed('the upstream connection closed');
    };
  }

  /**
   * Connects (starting the child for stdio) and does the MCP handshake within `timeoutMs`.
   * `bearerToken` goes in the `Authorization` header of an HTTP upstream.
   */
  static async connect(config: UpstreamConfig, events: UpstreamEvents, options: { timeoutMs: number; maxMessageBytes: number; bearerToken?: string }): Promise<UpstreamClient> {
    const upstream = new UpstreamClient(config, events);
    await upstream.client.connect(upstream.transport(options), { timeout: options.timeoutMs });
    return upstream;
  }

  /** The pid of the stdio child, for tests and the log. */
  get pid(): number | undefined {
    const transport = this.client.transport;
    return transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined;
  }

  /** Everything the upstream offers, every page (the SDK walks them, at most 64). */
  async list(timeoutMs: number): Promise<UpstreamListing> {
    const capabilities = this.client.getServerCapabilities() ?? {};
    const options = { timeout: timeoutMs };
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      capabilities.tools ? this.client.listTools(undefined, options).then((r) => r.tools) : [],
      capabilities.resources ? this.client.listResources(undefined, options).then((r) => r.resources) : [],
      capabilities.resources ? this.client.listResourceTemplates(undefined, options).then((r) => r.resourceTemplates) : [],
      capabilities.prompts ? this.client.listPrompts(undefined, options).then((r) => r.prompts) : [],
    ]);
    return { tools, resources, resourceTemplates, prompts, subscribe: capabilities.resources?.subscribe === true };
  }

  callTool(name: string, args: Record<string, unknown>, options: UpstreamRequestOptions): Promise<UpstreamToolResult> {
    return this.client.callTool({ name, arguments: args }, this.requestOptions(options));
  }

  readResource(uri: string, options: UpstreamRequestOptions): Promise<UpstreamReadResult> {
    return this.client.readResource({ uri }, this.requestOptions(options));
  }

  async subscribe(uri: string, options: UpstreamRequestOptions): Promise<void> {
    await this.client.subscribeResource({ uri }, this.requestOptions(options));
  }

  getPrompt(name: string, args: Record<string, string>, options: UpstreamRequestOptions): Promise<UpstreamPromptResult> {
    return this.client.getPrompt({ name, arguments: args }, this.requestOptions(options));
  }

  complete(params: UpstreamCompleteParams, options: UpstreamRequestOptions): Promise<UpstreamCompleteResult> {
    return this.client.complete(params, this.requestOptions(options));
  }

  /** Ends the connection (and the child); `closed` is not reported for it. */
  async close(): Promise<void> {
    this.closing = true;
    await this.client.close().catch(() => undefined);
  }

  /** What went wrong with a request, in the bridge's terms. */
  static failure(error: unknown): UpstreamFailure {
    if (error instanceof SdkHttpError) {
      if (error.status === 404) return { kind: 'session_expired' };
      if (error.status === 401 || error.status === 403) return { kind: 'unauthorized', status: error.status };
      return { kind: 'other', detail: `HTTP ${error.status}` };
    }
    if (error instanceof SdkError) {
      if (error.code === SdkErrorCode.RequestTimeout) return { kind: 'timeout' };
      if (error.code === SdkErrorCode.ConnectionClosed || error.code === SdkErrorCode.NotConnected || error.code === SdkErrorCode.SendFailed) return { kind: 'closed' };
      if (error.code === SdkErrorCode.InvalidResult) return { kind: 'invalid_answer', detail: error.message.slice(0, 300) };
      return { kind: 'other', detail: `${error.code}: ${error.message.slice(0, 300)}` };
    }
    if (error instanceof ProtocolError) return { kind: 'refused', code: error.code, message: error.message.slice(0, 1000) };
    if (error instanceof Error && error.name === 'AbortError') return { kind: 'cancelled' };
    if (error instanceof Error && /invalid|parse|schema/i.test(error.message)) return { kind: 'invalid_answer', detail: error.message.slice(0, 300) };
    return { kind: 'other', detail: error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300) };
  }

  private requestOptions(options: UpstreamRequestOptions) {
    const onProgress = options.onProgress;
    return {
      signal: options.signal,
      timeout: Math.max(1, options.timeoutMs),
      maxTotalTimeout: Math.max(1, options.timeoutMs),
      ...(onProgress && { onprogress: (p: { progress: number; total?: number; message?: string }) => onProgress(p.progress, p.total, p.message) }),
    };
  }

  private transport(options: { maxMessageBytes: number; bearerToken?: string }) {
    const config = this.config;
    if (config.transport === 'stdio') {
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        // The SDK's short list (PATH, HOME, …), never the bridge's whole environment and its secrets.
        env: { ...getDefaultEnvironment(), ...config.env },
        cwd: config.cwd,
        stderr: 'pipe',
        maxBufferSize: options.maxMessageBytes,
      });
      const stderr = transport.stderr as Readable | null;
      stderr?.setEncoding('utf8');
      stderr?.on('data', (chunk: string) => {
        for (const line of chunk.split('\n')) if (line.trim()) this.events.stderr?.(line.slice(0, 1000));
      });
      return transport;
    }
    const headers: Record<string, string> = { ...config.headers };
    if (options.bearerToken) headers['Authorization'] = `Bearer ${options.bearerToken}`;
    return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers } });
  }
}

/** The handler's answer, or the JSON-RPC error the upstream reads: never a stack trace or an internal detail. */
async function answered<T>(ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (error) {
    if (error instanceof ClientRequestRefused) throw new ProtocolError(JSON_RPC_CODE[error.code], error.message);
    throw new ProtocolError(ProtocolErrorCode.InternalError, 'The bridge could not relay the request to the client.');
  }
}
