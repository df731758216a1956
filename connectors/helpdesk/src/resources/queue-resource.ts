import { defineResource } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { QUEUE_URI } from '../ticket-resources';
import { toTicketSummary } from '../ticket-view';

/** Active tickets listed in the overview. */
const OLDEST_ACTIVE = 10;

export const queueResource = defineResource({
  uri: QUEUE_URI,
  name: 'queue',
  title: 'Support queue overview',
  description: `Ticket counts by status and priority, and the ${OLDEST_ACTIVE} oldest tickets still needing an agent.`,
  mimeType: 'application/json',
  read: async (ctx, deps: HelpdeskDeps) => {
    const overview = await deps.store.queueOverview(OLDEST_ACTIVE, ctx.signal);
    const body = {
      total: overview.total,
      byStatus: overview.byStatus,
      byPriority: overview.byPriority,
      oldestActive: overview.oldestActive.map(toTicketSummary),
      generatedAt: new Date().toISOString(),
    };
    return [{ uri: QUEUE_URI, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }];
  },
});
