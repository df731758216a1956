import type { Server } from '@modelcontextprotocol/server';
import type { InventoryChange } from '../inventory/inventory';

/** One MCP connection this process can push notifications to: a 2025 HTTP session or a stdio connection. */
export interface McpSession {
  readonly server: Server;
  /** Resource URIs the client subscribed to, as far as this process knows. */
  readonly subscriptions: Set<string>;
  /** Closes the connection here (the session then removes itself); never ends a shared session. */
  close(): Promise<void>;
}

/**
 * Every push-capable session this process holds, so inventory changes and resource updates
 * reach them. 2026-era clients are sessionless and get the same events through the SDK's
 * `subscriptions/listen` (see http-front.ts).
 */
export class SessionTable<S extends McpSession = McpSession> {
  private readonly sessions = new Map<string, S>();

  add(id: string, session: S): void {
    this.sessions.set(id, session);
  }

  get(id: string): S | undefined {
    return this.sessions.get(id);
  }

  /** Removes `id`; with `session`, only while `id` still maps to that session. */
  remove(id: string, session?: S): void {
    if (!session || this.sessions.get(id) === session) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  entries(): IterableIterator<[string, S]> {
    return this.sessions.entries();
  }

  values(): IterableIterator<S> {
    return this.sessions.values();
  }

  /**
   * Sends `list_changed` for the lists that changed. When the change names the only principals
   * whose lists changed (a policy edit), sessions known to belong to another principal
   * (`principalOf`) hear nothing: their lists are what they were.
   */
  notifyListChanged(change: InventoryChange & { principals?: ReadonlySet<string> }, principalOf?: (session: S) => string | undefined): void {
    for (const session of this.sessions.values()) {
      const principal = change.principals && principalOf?.(session);
      if (principal !== undefined && !change.principals!.has(principal)) continue;
      const { server } = session;
      if (change.tools) void server.sendToolListChanged().catch(() => undefined);
      if (change.resources) void server.sendResourceListChanged().catch(() => undefined);
      if (change.prompts) void server.sendPromptListChanged().catch(() => undefined);
    }
  }

  /**
   * Sends `resources/updated` to the sessions subscribed to `uri`: those named in `subscribers`
   * when given (the shared store's answer), else by each session's own `subscriptions`.
   */
  notifyResourceUpdated(uri: string, subscribers?: ReadonlySet<string>): void {
    for (const [id, session] of this.sessions) {
      const subscribed = subscribers ? subscribers.has(id) : session.subscriptions.has(uri);
      if (subscribed) void session.server.sendResourceUpdated({ uri }).catch(() => undefined);
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.close().catch(() => undefined)));
  }
}
