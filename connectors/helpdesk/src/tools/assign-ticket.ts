import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { publishTicketChanged, ticketLink } from '../ticket-resources';
import { PersonSchema, TicketIdSchema } from '../ticket';
import { requireEditableTicket, ticketNotFound } from '../ticket-lookup';
import { TicketDetailSchema, cleanPerson, ticketLine, toTicketDetail } from '../ticket-view';

const name = 'assign_ticket';

export const assignTicketTool = defineTool({
  name,
  title: 'Assign ticket',
  description: 'Assigns a ticket that is not closed to an agent, or unassigns it with assignee null.',
  input: z.strictObject({
    id: TicketIdSchema,
    assignee: PersonSchema.nullable().describe('Agent email address, or null to unassign.'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({
    ticket: TicketDetailSchema,
    previousAssignee: z.string().nullable(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, ctx, deps: HelpdeskDeps) =>
    runIdempotent(deps.store, ctx, name, args, async () => {
      const before = await requireEditableTicket(deps.store, args.id, ctx.signal);
      const after = await deps.store.assignTicket(args.id, args.assignee, ctx.signal);
      if (!after) throw ticketNotFound(args.id);
      publishTicketChanged(ctx, args.id);
      const detail = toTicketDetail(after, deps.maxTextBytes);
      return {
        structured: { ticket: detail, previousAssignee: before.assignee === null ? null : cleanPerson(before.assignee) },
        text: `${args.assignee === null ? 'Unassigned' : 'Assigned'} ${ticketLine(detail)}.`,
        links: [ticketLink(args.id)],
      };
    }),
});
