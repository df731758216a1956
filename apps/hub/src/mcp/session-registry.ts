import type { Server } from '@modelcontextprotocol/server';
import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { InventoryChange } from '../inventory/inventory';

/** One MCP connection the hub can push notifications to: a 2025 HTTP session or a stdio connection. */
export interface McpSession {
  readonly server: Server;
  /** Resource URIs the client subscribed to. */
  readonly subscriptions: Set<string>;
  /** Present for HTTP sessions: requests carrying this session's id are handed to it. */
  readonly transport?: NodeStreamableHTTPServerTransport;
  lastActivity: number;
  /** Closes the transport (the session then removes itself). */
  close(): Promise<void>;
}

/**
 * Every push-capable session of this hub process, so inventory changes and resource updates
 * reach them. 2026-era clients are sessionless and get the same events through the SDK's
 * `subscriptions/listen` (see http-front.ts).
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, McpSession>();

  add(id: string, session: McpSession): void {
    this.sessions.set(id, session);
  }

  get(id: string): McpSession | undefined {
    return this.sessions.get(id);
  }

  remove(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  notifyListChanged(change: InventoryChange): void {
    for (const { server } of this.sessions.values()) {
      if (change.tools) void server.sendToolListChanged().catch(() => undefined);
      if (change.resources) void server.sendResourceListChanged().catch(() => undefined);
      if (change.prompts) void server.sendPromptListChanged().catch(() => undefined);
    }
  }

  notifyResourceUpdated(uri: string): void {
    for (const session of this.sessions.values()) {
      if (session.subscriptions.has(uri)) void session.server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
  }

  /** Closes sessions idle for longer than `idleMs` (the SDK keeps sessions for ever otherwise). Returns how many. */
  async closeIdle(idleMs: number, now = Date.now()): Promise<number> {
    const idle = [...this.sessions.entries()].filter(([, s]) => now - s.lastActivity > idleMs);
    for (const [id, session] of idle) {
      this.sessions.delete(id);
      await session.close().catch(() => undefined);
    }
    return idle.length;
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.close().catch(() => undefined)));
  }
}
