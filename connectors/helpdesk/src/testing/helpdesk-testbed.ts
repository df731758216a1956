import { ResourceUpdatedSchema, decode, Subjects } from '@mcp-hub/connector-contract';
import { ConnectorHarness, ConnectorReplyError } from '@mcp-hub/connector-kit/testing';
import { ToolExposureSchema, exposeTools } from '@mcp-hub/connector-kit';
import { helpdeskConnector } from '../connector';
import { demoTickets } from '../demo-data';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { SqliteTicketStore } from '../sqlite-ticket-store';
import type { Ticket } from '../ticket';
import type { NewTicket } from '../ticket-store';

const subjects = new Subjects();

const DEFAULT_PRINCIPAL = 'agent@support.example.com';

export interface HelpdeskTestbed {
  harness: ConnectorHarness<HelpdeskDeps>;
  store: SqliteTicketStore;
  /** Resource URIs the connector announced as updated, in order. */
  updates: string[];
  /** Calls a tool and returns its structured result. */
  call<T = Record<string, unknown>>(tool: string, args: Record<string, unknown>, principal?: string): Promise<T>;
  /** Calls a tool that must fail and returns the error reply. */
  fail(tool: string, args: Record<string, unknown>, principal?: string): Promise<ConnectorReplyError['reply']>;
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
  const updates: string[] = [];
  harness.bus.subscribe(subjects.resourceUpdated('helpdesk'), (message) => updates.push(decode(ResourceUpdatedSchema, message.data).uri));
  await harness.bus.flush();
  return {
    harness,
    store,
    updates,
    async call<T>(tool: string, args: Record<string, unknown>, principal = DEFAULT_PRINCIPAL) {
      const result = await harness.callTool(tool, args, { principal: { id: principal, scopes: [] } });
      await harness.bus.flush();
      return result.structuredContent as T;
    },
    async fail(tool, args, principal = DEFAULT_PRINCIPAL) {
      const error = await harness.callTool(tool, args, { principal: { id: principal, scopes: [] } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!(error instanceof ConnectorReplyError)) throw new Error(`expected ${tool} to fail with an error reply, got ${String(error)}`);
      return error.reply;
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
