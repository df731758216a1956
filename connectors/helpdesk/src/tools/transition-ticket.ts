import { z } from 'zod';
import { ToolError, defineTool, IdempotencyKeySchema, runIdempotent } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { publishTicketChanged, ticketLink } from '../ticket-resources';
import { TicketIdSchema, TicketStatusSchema, type TicketStatus } from '../ticket';
import { requireTicket } from '../ticket-lookup';
import { TicketDetailSchema, ticketLine, toTicketDetail } from '../ticket-view';
import { isLegalTransition, nextStatuses } from '../ticket-workflow';

const name = 'transition_ticket';

export const transitionTicketTool = defineTool({
  name,
  title: 'Change ticket status',
  description:
    'Moves a ticket along the workflow: open → in_progress; in_progress → waiting_on_customer or resolved; waiting_on_customer → in_progress or resolved; resolved → closed or open (reopen); closed → open (reopen). Any other move is refused with the legal next statuses.',
  input: z.strictObject({
    id: TicketIdSchema,
    status: TicketStatusSchema.describe('The status to move to.'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({
    ticket: TicketDetailSchema,
    from: TicketStatusSchema,
    to: TicketStatusSchema,
    nextStatuses: z.array(TicketStatusSchema).describe('Statuses the ticket may move to from here.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, ctx, deps: HelpdeskDeps) =>
    runIdempotent(deps.store, ctx, name, args, async () => {
      const current = await requireTicket(deps.store, args.id, ctx.signal);
      if (!isLegalTransition(current.status, args.status)) throw illegal(args.id, current.status, args.status);
      const moved = await deps.store.transitionTicket(args.id, current.status, args.status, ctx.signal);
      if (!moved) {
        // Someone else moved (or deleted) it between our read and our write.
        const now = await requireTicket(deps.store, args.id, ctx.signal);
        throw illegal(args.id, now.status, args.status);
      }
      publishTicketChanged(ctx, args.id);
      const detail = toTicketDetail(moved, deps.maxTextBytes);
      return {
        structured: { ticket: detail, from: current.status, to: moved.status, nextStatuses: [...nextStatuses(moved.status)] },
        text: `Moved ticket #${args.id} from ${current.status} to ${moved.status}. ${ticketLine(detail)}`,
        links: [ticketLink(args.id)],
      };
    }),
});

function illegal(id: number, from: TicketStatus, to: TicketStatus): ToolError {
  const legal = nextStatuses(from);
  const why = from === to ? `Ticket ${id} is already ${to}.` : `Ticket ${id} is ${from} and cannot move to ${to}.`;
  return new ToolError('conflict', `${why} Legal next statuses: ${legal.join(', ')}.`);
}
