import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { publishTicketChanged, ticketLink } from '../ticket-resources';
import { PersonSchema, SubjectSchema, TagSchema, TicketPrioritySchema } from '../ticket';
import { TicketDetailSchema, ticketLine, toTicketDetail } from '../ticket-view';
import { assertWithinBytes } from '../text-bytes';

const name = 'create_ticket';

export const createTicketTool = defineTool({
  name,
  title: 'Create ticket',
  description: 'Opens a new ticket (status open) for a customer.',
  input: z.strictObject({
    subject: SubjectSchema,
    body: z.string().min(1).max(1_000_000).describe('What the customer needs. Limited to the configured byte cap.'),
    requester: PersonSchema.describe('Customer email address.'),
    priority: TicketPrioritySchema.default('normal'),
    tags: z.array(TagSchema).max(20).default([]),
    assignee: PersonSchema.optional().describe('Agent to assign; unassigned when omitted.'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ ticket: TicketDetailSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (args, ctx, deps: HelpdeskDeps) => {
    assertWithinBytes('body', args.body, deps.maxTextBytes);
    return runIdempotent(deps.store, ctx, name, args, async () => {
      const ticket = await deps.store.createTicket(
        { subject: args.subject, body: args.body, requester: args.requester, priority: args.priority, tags: args.tags, assignee: args.assignee ?? null },
        ctx.signal,
      );
      publishTicketChanged(ctx, ticket.id);
      const detail = toTicketDetail(ticket, deps.maxTextBytes);
      return { structured: { ticket: detail }, text: `Created ${ticketLine(detail)}.`, links: [ticketLink(ticket.id)] };
    });
  },
});
