import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { publishTicketChanged, ticketLink } from '../ticket-resources';
import { SubjectSchema, TagSchema, TicketIdSchema, TicketPrioritySchema } from '../ticket';
import { requireEditableTicket, ticketNotFound } from '../ticket-lookup';
import { TicketDetailSchema, ticketLine, toTicketDetail } from '../ticket-view';
import { assertWithinBytes } from '../text-bytes';

const name = 'update_ticket';
const FIELDS = ['subject', 'body', 'priority', 'tags'] as const;

export const updateTicketTool = defineTool({
  name,
  title: 'Update ticket',
  description: 'Changes the subject, body, priority or tags of a ticket that is not closed. Given fields replace the old values (tags as a whole list).',
  input: z
    .strictObject({
      id: TicketIdSchema,
      subject: SubjectSchema.optional(),
      body: z.string().min(1).max(1_000_000).optional(),
      priority: TicketPrioritySchema.optional(),
      tags: z.array(TagSchema).max(20).optional().describe('The complete new list of tags.'),
      idempotency_key: IdempotencyKeySchema,
    })
    .refine((args) => FIELDS.some((field) => args[field] !== undefined), { message: 'give at least one of subject, body, priority, tags' }),
  output: z.object({
    ticket: TicketDetailSchema,
    changed: z.array(z.enum(FIELDS)).describe('Fields whose value changed.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  handler: async (args, ctx, deps: HelpdeskDeps) => {
    assertWithinBytes('body', args.body, deps.maxTextBytes);
    return runIdempotent(deps.store, ctx, name, args, async () => {
      const before = await requireEditableTicket(deps.store, args.id, ctx.signal);
      const patch = { subject: args.subject, body: args.body, priority: args.priority, tags: args.tags };
      const after = await deps.store.updateTicket(args.id, patch, ctx.signal);
      if (!after) throw ticketNotFound(args.id);
      publishTicketChanged(ctx, args.id);
      const changed = FIELDS.filter((field) => patch[field] !== undefined && JSON.stringify(before[field]) !== JSON.stringify(after[field]));
      const detail = toTicketDetail(after, deps.maxTextBytes);
      return {
        structured: { ticket: detail, changed },
        text: `Updated ${ticketLine(detail)}; changed: ${changed.length ? changed.join(', ') : 'nothing (same values)'}.`,
        links: [ticketLink(args.id)],
      };
    });
  },
});
