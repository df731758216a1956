import type { ErrorReply } from '@mcp-hub/connector-contract';
import { ConnectorHarness } from '@mcp-hub/connector-kit/testing';
import { ToolExposureSchema, exposeTools } from '@mcp-hub/connector-kit';
import { helpdeskConnector } from '../connector';
import { demoTickets } from '../demo-data';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { SqliteTicketStore } from '../sqlite-ticket-store';
import type { Ticket } from '../ticket';
import type { NewTicket } from '../ticket-store';

const DEFAULT_PRINCIPAL = 'agent@support.example.com';

export interface HelpdeskTestbed {
  harness: ConnectorHarness<HelpdeskDeps>;
  store: SqliteTicketStore;
  /** Resource URIs the connector announced as updated, in order (the harness's record). */
  updates: readonly string[];
  /** Calls a tool and returns its structured result. */
  call<T = Record<string, unknown>>(tool: string, args: Record<string, unknown>, principal?: string): Promise<T>;
  /** Calls a tool that must fail and returns the error reply. */
  fail(tool: string, args: Record<string, unknown>, principal?: string): Promise<ErrorReply>;
  /** Stores a minimal ticket directly (no tool call); `overrides` sets any field of it. */
  createTicket(overrides?: Partial<NewTicket>): Promise<Ticket>;
  stop(): Promise<void>;
}

/**
 * The helpdesk connector on an in-process bus over an in-memory SQLite store: what every unit
 * test of a tool, resource or prompt starts from.
 */
export async function startHelpdesk(
  options: { writeMode?: boolean; seed?: boolean; pageSize?: number; maxTextBytes?: number } = {},
): Promise<HelpdeskTestbed> {
  const store = SqliteTicketStore.open(':memory:');
  if (options.seed) await store.seedIfEmpty(demoTickets());
  const connector = exposeTools(helpdeskConnector, ToolExposureSchema.parse({ writeMode: options.writeMode ?? true }));
  const harness = await ConnectorHarness.start<HelpdeskDeps>(connector, { store, pageSize: options.pageSize ?? 20, maxTextBytes: options.maxTextBytes ?? 65_536 });
  return {
    harness,
    store,
    updates: harness.resourceUpdates,
    async call<T>(tool: string, args: Record<string, unknown>, principal = DEFAULT_PRINCIPAL) {
      const result = await harness.callTool(tool, args, { principal: { id: principal, scopes: [] } });
      return result.structuredContent as T;
    },
    async fail(tool, args, principal = DEFAULT_PRINCIPAL) {
      const outcome = await harness.callToolOutcome(tool, args, { principal: { id: principal, scopes: [] } });
      if (outcome.ok) throw new Error(`expected ${tool} to fail with an error reply, but it succeeded`);
      return outcome.error;
    },
    createTicket(overrides = {}) {
      return store.createTicket({ subject: 's', body: 'b', requester: 'r@example.com', priority: 'low', assignee: null, tags: [], ...overrides });
    },
    async stop() {
      await harness.stop();
      await store.close();
    },
  };
}
