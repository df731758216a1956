import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { WebStandardStreamableHTTPServerTransport, type AuthInfo, type Server } from '@modelcontextprotocol/server';
import type { Hub } from '../hub';
import { buildMcpServer, type PrincipalResolver, type ServerIdentity } from '../mcp/build-mcp-server';
import { SessionTable, type McpSession } from '../mcp/session-table';
import type { RelayedClientResponse, SessionCancellation } from '@mcp-hub/connector-contract';
import { TaggedRequestIds } from './tagged-request-ids';
import { SessionStoreUnavailable, type SessionRecord, type SessionStore } from '../sessions/session-store';
import { HttpError } from './http-error';
import { admitClient, type HeldByClient } from './admit-client';
import { getRequestListener } from '@hono/node-server';

/** A client at its session quota replaces its own longest-idle session once that is idle this long, ms. */
const RECLAIM_IDLE_MS = 60_000;

/** Cancellations of one POST relayed to the other replicas, at most (a batch could hold a hundred). */
const MAX_RELAYED_CANCELLATIONS = 10;

export interface Era2025SessionsOptions {
  hub: Hub;
  /** Tells the other hub replicas about a cancellation this replica handled (`CancellationRelay.relay`). */
  relayCancellation(sessionId: string, requestId: string | number, reason?: string): void;
  /** Sends a client's answer to a request another replica sent to the replica that sent it (`ClientResponseRelay.relay`). */
  relayClientResponse(toHubId: string, sessionId: string, response: unknown): void;
  logger: Logger;
  identity: ServerIdentity;
  principalFor: PrincipalResolver;
  store: SessionStore;
  /** Sessions idle this long end. */
  idleMs: number;
  /** Most sessions held at once; a new one beyond it evicts the longest-idle session of the client holding the most. */
  maxSessions: number;
  /** Most sessions one client (by its client key) holds here at once; more get 429. */
  maxSessionsPerClient: number;
  /** Most resources one session subscribes to. */
  maxSubscriptionsPerSession: number;
  /** Most often a held session writes its last activity to the store. Default min(5 s, idleMs / 4). */
  touchEveryMs?: number;
}

/** A 2025 session as this replica holds it: an SDK server and transport of its own. */
export class HttpSession implements McpSession, HeldByClient {
  readonly subscriptions = new Set<string>();
  lastActivity = Date.now();
  lastTouched = Date.now();
  /** GET streams open on this replica: a session with one stays held even while its requests go elsewhere. */
  openStreams = 0;
  /** False while the store lacks this session (created, or subscribed, during a store outage). */
  stored = false;

  constructor(
    readonly record: SessionRecord,
    readonly server: Server,
    readonly transport: WebStandardStreamableHTTPServerTransport,
    /** What the server is connected to: the transport, with this replica's tag on its requests' ids. */
    readonly connection: TaggedRequestIds,
    /** Who opened it, or first used it on this replica. */
    readonly clientKey: string,
  ) {}

  get id(): string | undefined {
    return this.transport.sessionId;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/**
 * The 2025-era sessions of one hub replica, shared with the other replicas through a
 * {@link SessionStore}: a request carrying a session id this replica does not hold is served by
 * rebuilding the session from the store (the client's `initialize` replayed through a fresh SDK
 * transport that keeps the same id). A held session never waits on the store: its last activity
 * is written at most every `touchEveryMs`, in the background. See docs/decisions/0002-shared-sessions.md.
 */
export class Era2025Sessions {
  readonly table = new SessionTable<HttpSession>();
  private readonly adopting = new Map<string, Promise<HttpSession>>();
  private readonly opening = new Set<HeldByClient>();
  private readonly touchEveryMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: Era2025SessionsOptions) {
    this.logger = options.logger;
    this.touchEveryMs = options.touchEveryMs ?? Math.min(5000, options.idleMs / 4);
    options.store.onEnded((id) => void this.table.get(id)?.close());
    options.store.onRecovered((lost) => void this.restoreHeld(lost));
  }

  /**
   * Opens a session for an `initialize` request of `clientKey` and answers it; the session is
   * bound to `principalId` (the authenticated caller; undefined without authentication).
   * @throws HttpError 429 when that client holds its quota of sessions here
   */
  async open(req: IncomingMessage, res: ServerResponse, body: { params: SessionRecord['initialize'] }, clientKey: string, principalId?: string): Promise<void> {
    // Sessions being opened count too (they register only once the SDK has answered), so a burst
    // of concurrent initialize requests cannot pass the quota together.
    const admission = admitClient([...this.table.values(), ...this.opening], clientKey, {
      total: this.options.maxSessions,
      perClient: this.options.maxSessionsPerClient,
      reclaimIdleMs: Math.min(RECLAIM_IDLE_MS, this.options.idleMs),
      retryAfterMs: this.options.idleMs,
    });
    if (!admission.admitted) {
      throw new HttpError(
        429,
        -32000,
        `Too many sessions: this client holds ${this.options.maxSessionsPerClient} already; end one (DELETE) or retry later`,
        Math.ceil(admission.retryAfterMs / 1000),
      );
    }
    const victim = admission.evict;
    if (victim && !(victim instanceof HttpSession)) throw new HttpError(503, -32000, 'Too many sessions being opened at once; retry shortly', 1);
    const opening: HeldByClient = { clientKey, lastActivity: Number.MAX_SAFE_INTEGER };
    this.opening.add(opening);
    try {
      if (victim) await this.evict(victim);
      const { protocolVersion, capabilities, clientInfo } = body.params;
      const record = { initialize: { protocolVersion, capabilities, clientInfo }, createdAt: Date.now(), ...(principalId !== undefined && { principalId }) };
      const session = this.build(record, clientKey);
      await session.server.connect(session.connection);
      await exchangeOn(session, req, res, body);
    } finally {
      this.opening.delete(opening);
    }
  }

  /**
   * Serves a request of session `id`, rebuilding the session from the store if this replica does
   * not hold it.
   * @throws HttpError 404 when the session is unknown, or bound to another principal than
   *   `principalId`: a session id is no credential, and another caller must not learn it exists.
   */
  async serve(id: string, req: IncomingMessage, res: ServerResponse, body: unknown, clientKey: string, principalId?: string): Promise<void> {
    const held = this.table.get(id);
    if (held && held.record.principalId !== principalId) throw sessionNotFound();
    const session = held ?? (await this.adopt(id, clientKey, principalId));
    const now = Date.now();
    session.lastActivity = now;
    if (now - session.lastTouched >= this.touchEveryMs) {
      session.lastTouched = now;
      this.options.store.touch(id).catch(() => undefined);
    }
    await exchangeOn(session, req, res, body);
    // The request being cancelled may be running on another replica: tell them all, if the
    // session accepted the notification, and a few per POST at most.
    if (res.statusCode !== 202) return;
    for (const cancelled of cancellationsIn(body).slice(0, MAX_RELAYED_CANCELLATIONS)) this.options.relayCancellation(id, cancelled.requestId, cancelled.reason);
  }

  /**
   * A client's `notifications/cancelled` that reached another replica: if this replica holds the
   * session, its SDK server gets the notification as if the client had sent it here, and aborts
   * the request if it runs here.
   */
  async deliverCancellation(cancellation: SessionCancellation): Promise<void> {
    // A session being adopted here right now (its first request on this replica) counts as held.
    const session = this.table.get(cancellation.sessionId) ?? (await this.adopting.get(cancellation.sessionId)?.catch(() => undefined));
    if (!session) return;
    const { requestId, reason } = cancellation;
    const notification = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, ...(reason !== undefined && { reason }) } };
    // No protocol-version header: the SDK checks it only when present, and the record holds the
    // version the client asked for, which may not be the one agreed.
    const response = await postInternally(session.transport, notification, { 'mcp-session-id': cancellation.sessionId });
    if (response.status !== 202) this.logger.warn({ session: cancellation.sessionId, status: response.status }, 'relayed cancellation refused by the session');
  }

  /**
   * A client's answer to a server-to-client request this replica sent, received by another: if
   * this replica still holds the session, its SDK server gets the answer.
   */
  async deliverClientResponse(relayed: RelayedClientResponse): Promise<void> {
    const session = this.table.get(relayed.sessionId) ?? (await this.adopting.get(relayed.sessionId)?.catch(() => undefined));
    if (!session) {
      this.logger.info({ session: relayed.sessionId }, 'relayed client answer for a session no longer held here: dropped');
      return;
    }
    session.connection.receiveRelayed(relayed.response);
  }

  /**
   * Sends `resources/updated` to the sessions with a GET stream on this replica that subscribed
   * to `uri` on any replica (this replica's own knowledge while the store is unreachable).
   */
  async notifyResourceUpdated(uri: string): Promise<void> {
    const listening = [...this.table.entries()].filter(([, s]) => s.openStreams > 0).map(([id]) => id);
    if (listening.length === 0) return;
    let subscribers: Set<string>;
    try {
      subscribers = await this.options.store.subscribedAmong(uri, listening);
    } catch {
      subscribers = new Set(listening.filter((id) => this.table.get(id)?.subscriptions.has(uri)));
    }
    this.table.notifyResourceUpdated(uri, subscribers);
  }

  /**
   * Ends sessions idle everywhere for longer than `idleMs`, and lets go of those idle here whose
   * requests go to other replicas (unless a GET stream of theirs is open here).
   */
  async sweep(now = Date.now()): Promise<{ ended: number; released: number }> {
    let ended = 0;
    let released = 0;
    for (const [id, session] of [...this.table.entries()]) {
      if (now - session.lastActivity <= this.options.idleMs) continue;
      let idleFor: number | undefined;
      try {
        idleFor = await this.options.store.idleFor(id);
      } catch {
        continue; // cannot tell: keep it
      }
      if (idleFor !== undefined && idleFor <= this.options.idleMs) {
        if (session.openStreams > 0) continue;
        released++;
      } else {
        if (idleFor !== undefined) await this.options.store.end(id).catch(() => undefined);
        ended++;
      }
      await session.close().catch(() => undefined);
    }
    return { ended, released };
  }

  /** Closes every session held here; the shared sessions live on for the other replicas. */
  closeAll(): Promise<void> {
    return this.table.closeAll();
  }

  private build(record: SessionRecord, clientKey: string, knownId?: string): HttpSession {
    const subscriptions = {
      get size() {
        return session.subscriptions.size;
      },
      has: (uri: string) => session.subscriptions.has(uri),
      add: async (uri: string) => {
        session.subscriptions.add(uri);
        await this.write(session, (id) => this.options.store.addSubscription(id, uri));
      },
      delete: async (uri: string) => {
        session.subscriptions.delete(uri);
        await this.write(session, (id) => this.options.store.removeSubscription(id, uri));
      },
    };
    const server = buildMcpServer(this.options.hub, this.options.identity, this.options.principalFor, { subscriptions, maxSubscriptions: this.options.maxSubscriptionsPerSession });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: knownId ? () => knownId : () => randomUUID(),
      ...(!knownId && { onsessioninitialized: (id: string) => this.opened(id, session) }),
      onsessionclosed: (id) => this.end(id),
    });
    const connection = new TaggedRequestIds(transport, this.options.hub.hubId, (toHubId, response) => {
      const sessionId = transport.sessionId;
      if (sessionId) this.options.relayClientResponse(toHubId, sessionId, response);
    });
    const session: HttpSession = new HttpSession(record, server, transport, connection, clientKey);
    connection.onclose = () => {
      if (transport.sessionId) this.table.remove(transport.sessionId, session);
    };
    return session;
  }

  /** A new session: held here, then recorded in the store before the client learns its id. */
  private async opened(id: string, session: HttpSession): Promise<void> {
    this.table.add(id, session);
    try {
      await this.options.store.create(id, session.record);
      session.stored = true;
    } catch (error) {
      this.logger.warn({ session: id, err: error }, 'session store unreachable: session served by this replica only until it is back');
    }
    this.logger.debug({ session: id }, 'session opened');
  }

  /** Under pressure, the longest-idle session of the client holding the most ends everywhere (its id then gets 404). */
  private async evict(session: HttpSession): Promise<void> {
    const id = session.id;
    this.logger.info({ session: id, client: session.clientKey }, 'session evicted to make room for another');
    if (id) await this.options.store.end(id).catch(() => undefined);
    await session.close().catch(() => undefined);
  }

  private async adopt(id: string, clientKey: string, principalId: string | undefined): Promise<HttpSession> {
    let pending = this.adopting.get(id);
    if (!pending) {
      pending = this.rebuild(id, clientKey).finally(() => this.adopting.delete(id));
      this.adopting.set(id, pending);
    }
    const session = await pending;
    // Checked after the shared rebuild: a concurrent first request of another principal gets 404 too.
    if (session.record.principalId !== principalId) throw sessionNotFound();
    return session;
  }

  private async rebuild(id: string, clientKey: string): Promise<HttpSession> {
    let stored;
    try {
      stored = await this.options.store.get(id);
    } catch (error) {
      if (error instanceof SessionStoreUnavailable) throw new HttpError(503, -32000, 'Session store unavailable; retry shortly');
      this.logger.warn({ session: id, err: error }, 'unreadable session record');
    }
    if (!stored) throw sessionNotFound();
    // An existing session is never refused here, but the table stays bounded: a full one makes room.
    if (this.table.size >= this.options.maxSessions) {
      const admission = admitClient(this.table.values(), clientKey, { total: this.options.maxSessions, perClient: Infinity, retryAfterMs: 0 });
      if (admission.admitted && admission.evict) await this.evict(admission.evict);
    }
    const session = this.build(stored.record, clientKey, id);
    for (const uri of stored.subscriptions) session.subscriptions.add(uri);
    session.stored = true;
    await session.server.connect(session.connection);
    await replayInitialize(session.transport, stored.record.initialize);
    this.table.add(id, session);
    this.logger.debug({ session: id }, 'session adopted from the store');
    return session;
  }

  /** DELETE from the client: the session ends on every replica. */
  private async end(id: string): Promise<void> {
    try {
      await this.options.store.end(id);
    } catch (error) {
      this.logger.warn({ session: id, err: error }, 'session store unreachable: session ended on this replica only, it expires elsewhere');
    }
  }

  private async write(session: HttpSession, change: (id: string) => Promise<void>): Promise<void> {
    const id = session.id;
    if (!id) return;
    try {
      await change(id);
    } catch (error) {
      session.stored = false;
      this.logger.warn({ session: id, err: error }, 'session store unreachable: subscription kept by this replica until it is back');
    }
  }

  /** After a store outage: put back what the store lost, or never got, from what this replica holds. */
  private async restoreHeld(lost: boolean): Promise<void> {
    let restored = 0;
    for (const [id, session] of [...this.table.entries()]) {
      if (!lost && session.stored) continue;
      try {
        await this.options.store.restore(id, { record: session.record, subscriptions: [...session.subscriptions] });
        session.stored = true;
        restored++;
      } catch (error) {
        this.logger.warn({ err: error }, 'restoring sessions into the store failed; retried on its next recovery');
        break;
      }
    }
    if (restored > 0) this.logger.info({ restored, lost }, 'held sessions restored into the session store');
  }
}

function sessionNotFound(): HttpError {
  return new HttpError(404, -32001, 'Session not found');
}

/**
 * Initialises a fresh transport and server for a known session: the transport takes the id from
 * its generator, the server the client's capabilities and protocol version; the answer is
 * dropped. The SDK has no public way to adopt a session (typescript-sdk issue #1882).
 */
async function replayInitialize(transport: WebStandardStreamableHTTPServerTransport, params: SessionRecord['initialize']): Promise<void> {
  const message = { jsonrpc: '2.0', id: 'mcp-hub-adopt', method: 'initialize', params };
  const response = await postInternally(transport, message);
  const text = await response.text();
  if (!response.ok || !text.includes('"result"')) throw new Error(`replaying initialize failed (${response.status}): ${text.slice(0, 200)}`);
}

/** Hands a JSON-RPC message to a session's transport as if a client had POSTed it. */
function postInternally(transport: WebStandardStreamableHTTPServerTransport, message: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const request = new Request('http://mcp-hub.internal/mcp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
  });
  return transport.handleRequest(request, { parsedBody: message });
}

/** The `notifications/cancelled` messages in a POST body (one message or a batch). */
function cancellationsIn(body: unknown): Array<{ requestId: string | number; reason?: string }> {
  const messages = Array.isArray(body) ? body : [body];
  const found: Array<{ requestId: string | number; reason?: string }> = [];
  for (const message of messages) {
    if (!message || typeof message !== 'object' || (message as { method?: unknown }).method !== 'notifications/cancelled') continue;
    const params = (message as { params?: { requestId?: unknown; reason?: unknown } }).params;
    const requestId = params?.requestId;
    if (typeof requestId !== 'string' && typeof requestId !== 'number') continue;
    found.push({ requestId, ...(typeof params?.reason === 'string' && { reason: params.reason }) });
  }
  return found;
}

/** Serves one HTTP exchange on a session's transport. */
async function exchangeOn(session: HttpSession, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  const stream = req.method === 'GET';
  if (stream) session.openStreams++;
  try {
    // The Node ↔ Web bridge the SDK's own Node transport uses: lazy requests, streamed responses
    // cancelled when the client goes away. The body was parsed once already and goes alongside.
    const authInfo = (req as IncomingMessage & { auth?: AuthInfo }).auth;
    await getRequestListener((webRequest) => session.transport.handleRequest(webRequest, { parsedBody: body, authInfo }), { overrideGlobalObjects: false })(req, res);
  } finally {
    if (stream) session.openStreams--;
  }
}
