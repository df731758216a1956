import { createHash, randomUUID } from 'node:crypto';
import { ProtocolError, ProtocolErrorCode, type Server, type ServerContext } from '@modelcontextprotocol/server';
import type { Principal } from '@mcp-hub/connector-contract';
import type { Hub, CallOptions } from '../hub';
import { ClientRequestError, ConnectorFailure, HubLocalError } from '../invocation/hub-errors';
import { HubMcpServer, TaskCreated } from './hub-mcp-server';
import { callToolInRounds } from './input-required-rounds';
import { clientChannelFor, isEra2026 } from './sdk-client-channel';
import { TASKS_CAPABILITIES, callToolAsTask, registerTaskHandlers, wantsTask } from './task-handlers';

/** The SDK adapter: with the rest of src/mcp and src/http, the only code that knows the MCP SDK. */

export interface ServerIdentity {
  name: string;
  version: string;
  instructions?: string;
}

/** Where a connection records its resource subscriptions (a `Set`, or a shared store behind one). */
export interface ResourceSubscriptions {
  readonly size: number;
  has(uri: string): boolean;
  add(uri: string): unknown;
  delete(uri: string): unknown;
}

/** Most resources one connection subscribes to unless configured (`http.maxSubscriptionsPerSession`). */
export const DEFAULT_MAX_SUBSCRIPTIONS = 100;

export interface SubscriptionOptions {
  /** Receives the URIs this connection subscribes to (2025 era). */
  subscriptions?: ResourceSubscriptions;
  /** Most distinct resources one connection subscribes to; more are refused with -32602. Default {@link DEFAULT_MAX_SUBSCRIPTIONS}. */
  maxSubscriptions?: number;
}

/** Resolves who is calling from the request context (bearer token, stdio user). */
export type PrincipalResolver = (ctx: ServerContext) => Principal;

const CAPABILITIES = {
  tools: { listChanged: true },
  resources: { listChanged: true, subscribe: true },
  prompts: { listChanged: true },
  completions: {},
};

/**
 * Builds a low-level SDK `Server` wired to the hub. Called once per 2025 session, once per
 * 2026 request and once per stdio connection, so it does no work beyond registering closures:
 * lists are precomputed by the hub. 2025 subscriptions are recorded in `options.subscriptions`
 * (the SDK handles 2026 ones inside `subscriptions/listen`, checked by the HTTP front).
 */
export function buildMcpServer(hub: Hub, identity: ServerIdentity, principalFor: PrincipalResolver, options: SubscriptionOptions = {}): Server {
  const { subscriptions, maxSubscriptions = DEFAULT_MAX_SUBSCRIPTIONS } = options;
  const { tasks } = hub;
  const capabilities = tasks ? { ...CAPABILITIES, ...TASKS_CAPABILITIES } : CAPABILITIES;
  const server = new HubMcpServer({ name: identity.name, version: identity.version }, { capabilities, instructions: identity.instructions });
  // A connection without a session id (stdio) is its own taint scope.
  const connection = `connection:${randomUUID()}`;
  const callOptions = (ctx: ServerContext) => optionsOfCall(server, ctx, principalFor, connection);

  server.setRequestHandler('tools/list', async (_request, ctx) => ({ tools: hub.listTools(principalFor(ctx)) as never }));

  server.setRequestHandler('tools/call', async (request, ctx) => {
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    if (tasks && wantsTask(ctx, request.params)) return guard(() => callToolAsTask(server, hub, tasks, ctx, request.params.name, request.params, args, callOptions(ctx))) as never;
    if (isEra2026(ctx)) return guard(() => callToolInRounds(hub, ctx, request.params.name, args, callOptions(ctx))) as never;
    return guard(() => hub.callTool(request.params.name, args, callOptions(ctx))) as never;
  });

  server.setRequestHandler('resources/list', async (_request, ctx) => ({ resources: hub.listResources(principalFor(ctx)) as never }));
  server.setRequestHandler('resources/templates/list', async (_request, ctx) => ({ resourceTemplates: hub.listResourceTemplates(principalFor(ctx)) as never }));
  server.setRequestHandler('resources/read', async (request, ctx) =>
    guard(() => hub.readResource(request.params.uri, callOptions(ctx))) as never,
  );
  server.setRequestHandler('resources/subscribe', async (request, ctx) => {
    const { uri } = request.params;
    if (subscriptions && !subscriptions.has(uri) && subscriptions.size >= maxSubscriptions) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Subscription limit reached: a session subscribes to at most ${maxSubscriptions} resources; unsubscribe from one first`);
    }
    await guard(() => hub.subscribeResource(uri, callOptions(ctx)));
    await subscriptions?.add(uri);
    return {};
  });
  server.setRequestHandler('resources/unsubscribe', async (request) => {
    await subscriptions?.delete(request.params.uri);
    return {};
  });

  server.setRequestHandler('prompts/list', async (_request, ctx) => ({ prompts: hub.listPrompts(principalFor(ctx)) as never }));
  server.setRequestHandler('prompts/get', async (request, ctx) =>
    guard(() => hub.getPrompt(request.params.name, (request.params.arguments ?? {}) as Record<string, string>, callOptions(ctx))) as never,
  );

  server.setRequestHandler('completion/complete', async (request, ctx) => {
    const { ref, argument, context } = request.params;
    const hubRef = ref.type === 'ref/prompt' ? { type: 'ref/prompt' as const, name: ref.name } : { type: 'ref/resource' as const, uri: ref.uri };
    const completion = await guard(() => hub.complete(hubRef, argument, context?.arguments ?? {}, callOptions(ctx)));
    return { completion };
  });

  if (tasks) registerTaskHandlers(server, tasks, principalFor);
  return server;
}

function optionsOfCall(server: Server, ctx: ServerContext, principalFor: PrincipalResolver, connection: string): CallOptions {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  const client = clientChannelFor(server, ctx);
  const principal = principalFor(ctx);
  return {
    principal,
    taintScope: taintScopeOf(ctx, principal, connection),
    signal: ctx.mcpReq.signal,
    ...(client && { client }),
    ...(ctx.sessionId !== undefined && { sessionId: ctx.sessionId }),
    ...(progressToken !== undefined && {
      onProgress: (progress) => {
        void ctx.mcpReq
          .notify({ method: 'notifications/progress', params: { progressToken, ...progress } })
          .catch(() => undefined);
      },
    }),
  };
}

/**
 * Where session taint is kept: a 2025 session (shared by the replicas, like the session), a
 * connection without a session id (stdio), or, for a 2026 client, which has no session, the
 * principal's sessionless calls as a whole (fail closed: see docs/decisions/0007-approvals.md).
 */
function taintScopeOf(ctx: ServerContext, principal: Principal, connection: string): string {
  if (isEra2026(ctx)) return `principal:${principal.id}`;
  // Hashed: a session id is a bearer of the session, and the scope is stored.
  return ctx.sessionId ? `session:${createHash('sha256').update(ctx.sessionId).digest('hex').slice(0, 32)}` : connection;
}

/** Maps hub errors to JSON-RPC errors the client can read, without internals. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TaskCreated || error instanceof ProtocolError) throw error;
    if (error instanceof ClientRequestError) {
      const code = error.kind === 'resource_not_found' ? ProtocolErrorCode.ResourceNotFound : ProtocolErrorCode.InvalidParams;
      throw new ProtocolError(code, error.message);
    }
    if (error instanceof HubLocalError) throw new ProtocolError(ProtocolErrorCode.InternalError, error.publicMessage());
    if (error instanceof ConnectorFailure) throw new ProtocolError(ProtocolErrorCode.InternalError, error.message);
    throw new ProtocolError(ProtocolErrorCode.InternalError, 'The hub failed while handling this request.');
  }
}
