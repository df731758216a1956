import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createMcpHandler, isInitializeRequest, isLegacyRequest, type AuthInfo, type McpRequestContext } from '@modelcontextprotocol/server';
import { toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import type { Hub } from '../hub';
import { buildMcpServer, DEFAULT_MAX_SUBSCRIPTIONS, type PrincipalResolver, type ServerIdentity } from '../mcp/build-mcp-server';
import type { SessionTable } from '../mcp/session-table';
import { authenticatedPrincipal } from '../mcp/authenticated-principal';
import { InMemorySessionStore } from '../sessions/in-memory-session-store';
import type { SessionStore } from '../sessions/session-store';
import { clientKeyFor, type ClientKeyResolver } from './client-key';
import { assertAllowedHostAndOrigin } from './host-origin-guard';
import { ListenStreams } from './listen-streams';
import { HttpError } from './http-error';
import { readJsonBody } from './read-json-body';
import { CancellationRelay } from './cancellation-relay';
import { ClientResponseRelay } from './client-response-relay';
import { Era2025Sessions, type HttpSession } from './era-2025-sessions';
import { AdminRoutes } from '../admin/admin-routes';
import type { HttpAuth } from './http-auth';
import { AuthError } from '../auth/auth-error';
import type { Authentication } from '../auth/authentication';
import { metadataUrlFor, PROTECTED_RESOURCE_METADATA_PATH } from '../auth/protected-resource-metadata';

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a client may tell about itself in `initialize` (stored with its session). */
const MAX_CLIENT_DESCRIPTION_CHARS = 16_384;

export interface HttpFrontOptions {
  hub: Hub;
  logger: Logger;
  identity: ServerIdentity;
  principalFor: PrincipalResolver;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** Host header names accepted (DNS-rebinding protection). */
  allowedHosts: string[];
  /** Origin host names accepted from browsers; requests without Origin (non-browser clients) pass. */
  allowedOrigins: string[];
  /**
   * Most 2025 sessions this replica holds at once; an `initialize` beyond it ends the
   * longest-idle session of the client holding the most.
   */
  maxSessions: number;
  /** Most 2025 sessions one client holds on this replica; more `initialize` requests get 429. Default 100. */
  maxSessionsPerClient?: number;
  /** Most 2026 `subscriptions/listen` streams open on this replica; beyond it the heaviest client's oldest closes. Default 1024. */
  maxListenStreams?: number;
  /** Most listen streams one client holds open; more get 429. Default 32. */
  maxListenStreamsPerClient?: number;
  /** Most resources one 2025 session, or one listen stream, subscribes to. Default 100. */
  maxSubscriptionsPerSession?: number;
  /** Who a request comes from, for the per-client quotas. Default: its remote address ({@link clientKeyFor}). */
  clientKeyFor?: ClientKeyResolver;
  /** 2025 sessions idle for longer than this are closed. */
  sessionIdleMs: number;
  /**
   * Where 2025 sessions are shared with the other hub replicas. Default: in process memory
   * (embedded mode, one replica). The caller owns and closes a store it passes.
   */
  sessionStore?: SessionStore;
  /** Most often a held session writes its last activity to the store, ms. Default min(5000, sessionIdleMs / 4). */
  sessionTouchMs?: number;
  /** The admin page's token (at least 16 characters); without one, `/admin` is off (404). */
  adminToken?: string;
  /**
   * Bearer authentication of every `/mcp` request (the hub as an OAuth 2.1 resource server), and
   * the protected resource metadata it serves. Absent: every request is the configured principal.
   */
  auth?: HttpAuth;
}

/**
 * Streamable HTTP on `/mcp`, serving both protocol eras from one set of handlers:
 *  - 2025-era clients (2025-11-25) get an SDK transport of their own per session (list_changed, progress, elicitation,
 *    GET stream, DELETE; an unknown session id is a 404, as the spec asks);
 *  - 2026-era clients (2026-07-28) are served by the SDK's per-request handler, without sessions, whose
 *    `subscriptions/listen` streams get list_changed and resource updates.
 * The SDK's default would serve 2025-era clients without sessions and silently drop their notifications,
 * hence the split (see docs/decisions/0001-mcp-sdk-v2.md). Also `/healthz`, `/readyz`, `/metrics` (Prometheus)
 * and the admin page under `/admin` (see AdminRoutes).
 */
export class HttpFront {
  /** The 2025 sessions this replica holds. */
  readonly sessions: SessionTable<HttpSession>;
  private readonly era2025: Era2025Sessions;
  private readonly cancellations: CancellationRelay;
  private readonly clientResponses: ClientResponseRelay;
  private readonly listenStreams: ListenStreams;
  private readonly clientKeyFor: ClientKeyResolver;
  private readonly ownStore?: SessionStore;
  private readonly server: HttpServer;
  private readonly era2026: ReturnType<typeof createMcpHandler>;
  private readonly era2026Node: ReturnType<typeof toNodeHandler>;
  private readonly admin: AdminRoutes;
  private idleSweeper?: NodeJS.Timeout;
  private closing = false;
  /** POST requests being answered (GET streams stay open for ever, so they do not count). */
  private postsInFlight = 0;

  constructor(private readonly options: HttpFrontOptions) {
    const { hub, identity } = options;
    // With authentication, who calls is whoever the request's token says, never the configured principal.
    const principalFor = options.auth ? authenticatedPrincipal : options.principalFor;
    if (!options.sessionStore) this.ownStore = new InMemorySessionStore(options.sessionIdleMs);
    this.clientKeyFor = options.clientKeyFor ?? clientKeyFor;
    const maxSubscriptions = options.maxSubscriptionsPerSession ?? DEFAULT_MAX_SUBSCRIPTIONS;
    const maxListenStreams = options.maxListenStreams ?? 1024;
    this.listenStreams = new ListenStreams({
      hub,
      maxStreams: maxListenStreams,
      maxStreamsPerClient: options.maxListenStreamsPerClient ?? 32,
      maxResourceSubscriptions: maxSubscriptions,
    });
    this.cancellations = new CancellationRelay({
      bus: hub.bus,
      subjects: hub.subjects,
      hubId: hub.hubId,
      logger: options.logger,
      deliver: (cancellation) => this.era2025.deliverCancellation(cancellation),
    });
    this.clientResponses = new ClientResponseRelay({
      bus: hub.bus,
      subjects: hub.subjects,
      hubId: hub.hubId,
      logger: options.logger,
      deliver: (relayed) => this.era2025.deliverClientResponse(relayed),
    });
    this.era2025 = new Era2025Sessions({
      hub,
      relayCancellation: (sessionId, requestId, reason) => this.cancellations.relay(sessionId, requestId, reason),
      relayClientResponse: (toHubId, sessionId, response) => this.clientResponses.relay(toHubId, sessionId, response),
      logger: options.logger,
      identity,
      principalFor,
      store: options.sessionStore ?? this.ownStore!,
      idleMs: options.sessionIdleMs,
      touchEveryMs: options.sessionTouchMs,
      maxSessions: options.maxSessions,
      maxSessionsPerClient: options.maxSessionsPerClient ?? 100,
      maxSubscriptionsPerSession: maxSubscriptions,
    });
    this.sessions = this.era2025.table;
    this.era2026 = createMcpHandler((_ctx: McpRequestContext) => buildMcpServer(hub, identity, principalFor), {
      legacy: 'reject',
      // The front bounds listen streams itself (ListenStreams); the SDK's own bound only backs it up.
      maxSubscriptions: maxListenStreams + 64,
      maxRequestBodySize: options.maxBodyBytes,
      onerror: (error) => options.logger.warn({ err: error }, 'MCP request failed'),
    });
    this.era2026Node = toNodeHandler(this.era2026, { maxRequestBodySize: options.maxBodyBytes });
    this.server = createServer((req, res) => void this.route(req, res));
    this.server.keepAliveTimeout = 65_000;
    hub.on('listChanged', (change) => {
      this.sessions.notifyListChanged(change, (session) => session.record.principalId);
      if (change.tools) this.era2026.notify.toolsChanged();
      if (change.resources) this.era2026.notify.resourcesChanged();
      if (change.prompts) this.era2026.notify.promptsChanged();
    });
    this.admin = new AdminRoutes(
      {
        hub,
        listenStreams: () => this.listenStreams.size,
        sessions: () =>
          [...this.sessions.entries()].map(([id, session]) => ({
            idPrefix: id.slice(0, 8),
            client: `${session.record.initialize.clientInfo.name} ${session.record.initialize.clientInfo.version}`,
            protocolVersion: session.record.initialize.protocolVersion,
            createdAt: session.record.createdAt,
            idleMs: Date.now() - session.lastActivity,
            subscriptions: session.subscriptions.size,
            openStreams: session.openStreams,
          })),
      },
      options.adminToken,
    );
    this.cancellations.start();
    this.clientResponses.start();
    hub.metrics.watchFront({ era2025Sessions: () => this.sessions.size, era2026ListenStreams: () => this.listenStreams.size });
    hub.on('resourceUpdated', (uri) => {
      void this.era2025.notifyResourceUpdated(uri);
      this.era2026.notify.resourceUpdated(uri);
    });
  }

  /** Starts listening; resolves with the URL of the MCP endpoint. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.idleSweeper = setInterval(() => void this.closeIdleSessions(), Math.min(this.options.sessionIdleMs, 60_000));
    this.idleSweeper.unref();
    const { port } = this.server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${port}/mcp`;
  }

  /**
   * Graceful stop: new requests get 503, requests being answered may finish for up to
   * `drainMs`, then every session and the listener close.
   */
  async close(drainMs = 10_000): Promise<void> {
    this.closing = true;
    clearInterval(this.idleSweeper);
    const until = Date.now() + drainMs;
    while (this.postsInFlight > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
    this.cancellations.stop();
    this.clientResponses.stop();
    await this.era2025.closeAll();
    await this.ownStore?.close();
    await this.era2026.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      assertAllowedHostAndOrigin(req, this.options.allowedHosts, this.options.allowedOrigins);
      if (path === '/healthz') return json(res, 200, { status: 'ok' });
      if (path === '/readyz') {
        const reason = this.closing ? 'shutting down' : this.options.hub.notReadyReason;
        // Counts only: which connectors run is for MCP clients' lists, not for anyone who can reach the port.
        const body = { status: reason ? 'not ready' : 'ready', ...(reason && { reason }), connectors: this.options.hub.inventory.connectorIds().length };
        return json(res, reason ? 503 : 200, body);
      }
      if (path === '/metrics') {
        const { contentType, body } = await this.options.hub.metrics.exposition();
        res.writeHead(200, { 'content-type': contentType }).end(body);
        return;
      }
      if (this.options.auth && (path === PROTECTED_RESOURCE_METADATA_PATH || path === `${PROTECTED_RESOURCE_METADATA_PATH}/mcp`)) {
        return json(res, 200, this.options.auth.metadata, { 'cache-control': 'max-age=300' });
      }
      if (path === '/admin' || path?.startsWith('/admin/')) return await this.admin.handle(req, res, path);
      if (path !== '/mcp') return json(res, 404, { error: 'not found' });
      if (this.closing) throw new HttpError(503, -32000, 'The hub is shutting down');
      const authentication = await this.authenticate(req, res);
      if (req.method !== 'POST') return await this.serveMcp(req, res, authentication);
      this.postsInFlight++;
      try {
        await this.serveMcp(req, res, authentication);
      } finally {
        this.postsInFlight--;
      }
    } catch (error) {
      if (error instanceof AuthError) return this.challenge(res, error);
      if (error instanceof HttpError) return rpcError(res, error);
      this.options.logger.error({ err: error }, 'HTTP request failed');
      rpcError(res, new HttpError(500, -32603, 'Internal error'));
    }
  }

  /**
   * Verifies the request's bearer token (every request: a session is no credential) and hands
   * the SDK the principal, never the token. A response still open when the token expires (a GET
   * or listen stream) is ended then: the client must come back with a fresh token.
   * @throws AuthError
   */
  private async authenticate(req: IncomingMessage, res: ServerResponse): Promise<Authentication | undefined> {
    const { auth } = this.options;
    if (!auth) return undefined;
    const authentication = await auth.authenticator.authenticate(req.headers.authorization);
    const authInfo: AuthInfo = {
      token: '',
      clientId: authentication.principal.id,
      scopes: authentication.principal.scopes,
      ...(authentication.expiresAt !== undefined && { expiresAt: Math.floor(authentication.expiresAt / 1000) }),
      resource: new URL(auth.resource),
      extra: { principal: authentication.principal },
    };
    (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfo;
    if (authentication.expiresAt !== undefined) {
      const timer = setTimeout(() => res.destroy(), Math.max(0, authentication.expiresAt - Date.now()));
      timer.unref();
      res.once('close', () => clearTimeout(timer));
    }
    return authentication;
  }

  /** 401/403 with the RFC 6750 challenge naming the RFC 9728 metadata, so a client can discover where to get a token. */
  private challenge(res: ServerResponse, error: AuthError): void {
    if (res.headersSent) return;
    const params = [`resource_metadata="${metadataUrlFor(this.options.auth!.resource)}"`];
    if (error.code) params.push(`error="${error.code}"`, `error_description="${error.description.replaceAll('"', "'")}"`);
    if (error.scope) params.push(`scope="${error.scope.join(' ')}"`);
    const headers: Record<string, string> = { 'www-authenticate': `Bearer ${params.join(', ')}` };
    if (error.status === 503) headers['retry-after'] = '2';
    json(res, error.status, { jsonrpc: '2.0', error: { code: -32001, message: error.description }, id: null }, headers);
  }

  private async serveMcp(req: IncomingMessage, res: ServerResponse, authentication?: Authentication): Promise<void> {
    let body: unknown;
    if (req.method === 'POST') {
      const type = req.headers['content-type'] ?? '';
      if (!type.toLowerCase().includes('application/json')) throw new HttpError(415, -32000, 'Content-Type must be application/json');
      body = await readJsonBody(req, this.options.maxBodyBytes);
    }
    const sessionId = req.headers['mcp-session-id'];
    // Quotas count per principal once there is one; the address is all there is before.
    const clientKey = authentication ? `principal:${authentication.principal.id}` : this.clientKeyFor(req);
    const principalId = authentication?.principal.id;
    // Only 2025-era clients carry a session id: skip the era probe on their hot path.
    if (typeof sessionId === 'string') return this.serveEra2025Session(sessionId, req, res, body, clientKey, principalId);
    if (await isLegacyRequest(await toWebRequest(req, body), body)) return this.openEra2025Session(req, res, body, clientKey, principalId);
    await this.listenStreams.admit(res, body, clientKey, authentication?.principal);
    await this.era2026Node(req, res, body);
  }

  private async serveEra2025Session(sessionId: string, req: IncomingMessage, res: ServerResponse, body: unknown, clientKey: string, principalId?: string): Promise<void> {
    // Ids are UUIDs of ours; anything else cannot name a session (and must not reach the store as a key).
    if (!SESSION_ID.test(sessionId)) throw new HttpError(404, -32001, 'Session not found');
    await this.era2025.serve(sessionId, req, res, body, clientKey, principalId);
  }

  private async openEra2025Session(req: IncomingMessage, res: ServerResponse, body: unknown, clientKey: string, principalId?: string): Promise<void> {
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      throw new HttpError(400, -32000, 'Bad Request: no valid session id (send initialize first)');
    }
    const { capabilities, clientInfo } = body.params;
    if (JSON.stringify({ capabilities, clientInfo }).length > MAX_CLIENT_DESCRIPTION_CHARS) {
      throw new HttpError(400, -32602, `initialize: capabilities and clientInfo exceed ${MAX_CLIENT_DESCRIPTION_CHARS} characters`);
    }
    // Every session holds an SDK server in memory and a record in the store: both are bounded, per client and in all.
    await this.era2025.open(req, res, body, clientKey, principalId);
  }

  private async closeIdleSessions(): Promise<void> {
    const { ended, released } = await this.era2025.sweep();
    if (ended > 0) this.options.logger.info({ ended }, 'idle sessions ended');
    if (released > 0) this.options.logger.debug({ released }, 'sessions served by other replicas released');
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function rpcError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) return;
  if (error.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(error.retryAfterSeconds));
  json(res, error.status, { jsonrpc: '2.0', error: { code: error.rpcCode, message: error.message }, id: null });
}
