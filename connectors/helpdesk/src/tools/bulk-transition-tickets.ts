import { z } from 'zod';
import { IdempotencyKeySchema, ToolError, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import type { HandlerContext } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { publishTicketChanged } from '../ticket-resources';
import { TicketIdSchema, TicketStatusSchema } from '../ticket';
import { isLegalTransition, nextStatuses } from '../ticket-workflow';

/** Tickets one bulk job moves at most: a queue's worth, not a table's. */
export const MAX_BULK_TICKETS = 500;

const ItemSchema = z.object({
  id: TicketIdSchema,
  outcome: z.enum(['moved', 'unchanged', 'refused', 'not_found']).describe('unchanged: it already had the status (a repeat, or a job run again after a restart).'),
  from: TicketStatusSchema.optional(),
  message: z.string().optional(),
});

/**
 * `bulk_transition_tickets`: moves many tickets to one status as a job, ticket by ticket, with
 * progress per ticket. A ticket that cannot move (illegal move, gone) is reported and the rest
 * go on: the result lists every ticket's outcome. Re-running it is harmless (tickets already
 * there are `unchanged`), which is what the job runners' at-least-once needs.
 */
const name = 'bulk_transition_tickets';

export const bulkTransitionTicketsTool = defineTool({
  name,
  title: 'Change the status of many tickets',
  description:
    `Moves up to ${MAX_BULK_TICKETS} tickets to one status along the workflow (the rules of helpdesk_transition_ticket), as a long-running job with progress per ticket. ` +
    'Tickets that cannot move are reported with the reason; the others are moved.',
  input: z.strictObject({
    ids: z
      .array(TicketIdSchema)
      .min(1)
      .max(MAX_BULK_TICKETS)
      .refine((ids) => new Set(ids).size === ids.length, 'ids must not repeat'),
    status: TicketStatusSchema.describe('The status to move every ticket to.'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({
    status: TicketStatusSchema,
    moved: z.number().int(),
    unchanged: z.number().int(),
    failed: z.number().int().describe('Tickets refused or not found (see items).'),
    items: z.array(ItemSchema),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  execution: 'job',
  handler: async (args, ctx, deps: HelpdeskDeps) => runIdempotent(deps.store, ctx, name, args, () => moveAll(args.ids, args.status, ctx, deps)),
});

async function moveAll(ids: readonly number[], status: z.infer<typeof TicketStatusSchema>, ctx: HandlerContext, deps: HelpdeskDeps) {
  const items: Array<z.infer<typeof ItemSchema>> = [];
  for (const [index, id] of ids.entries()) {
    if (ctx.signal.aborted) throw ctx.signal.reason instanceof ToolError ? ctx.signal.reason : new ToolError('cancelled', `Cancelled after ${index} of ${ids.length} tickets.`);
    items.push(await moveOne(deps, id, status, ctx.signal));
    if (items.at(-1)!.outcome === 'moved') publishTicketChanged(ctx, id);
    ctx.progress(index + 1, ids.length, `ticket #${id}: ${items.at(-1)!.outcome}`);
  }
  const count = (outcome: string) => items.filter((item) => item.outcome === outcome).length;
  const moved = count('moved');
  const unchanged = count('unchanged');
  const failed = items.length - moved - unchanged;
  const failures = items.filter((item) => item.outcome === 'refused' || item.outcome === 'not_found').map((item) => `#${item.id} (${item.outcome})`);
  return {
    structured: { status, moved, unchanged, failed, items },
    text: `Moved ${moved} of ${ids.length} ticket(s) to ${status}; ${unchanged} already were; ${failed} failed${failures.length > 0 ? `: ${failures.slice(0, 20).join(', ')}${failures.length > 20 ? ', …' : ''}` : ''}.`,
  };
}

async function moveOne(deps: HelpdeskDeps, id: number, to: z.infer<typeof TicketStatusSchema>, signal: AbortSignal): Promise<z.infer<typeof ItemSchema>> {
  const current = await deps.store.getTicket(id, signal);
  if (!current) return { id, outcome: 'not_found', message: `Ticket ${id} does not exist.` };
  if (current.status === to) return { id, outcome: 'unchanged', from: current.status };
  if (!isLegalTransition(current.status, to)) {
    return { id, outcome: 'refused', from: current.status, message: `${current.status} cannot move to ${to}; legal: ${nextStatuses(current.status).join(', ')}.` };
  }
  const moved = await deps.store.transitionTicket(id, current.status, to, signal);
  // Someone else moved it between our read and our write: report, do not guess.
  if (!moved) return { id, outcome: 'refused', from: current.status, message: `Ticket ${id} changed while it was being moved; try it again.` };
  return { id, outcome: 'moved', from: current.status };
}
