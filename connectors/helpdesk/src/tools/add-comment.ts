import { z } from 'zod';
import { defineTool, IdempotencyKeySchema, runIdempotent } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { publishTicketChanged, ticketLink } from '../ticket-resources';
import { CommentVisibilitySchema, TicketIdSchema } from '../ticket';
import { requireEditableTicket, ticketNotFound } from '../ticket-lookup';
import { CommentViewSchema, toCommentView } from '../ticket-view';
import { assertWithinBytes } from '../text-bytes';

const name = 'add_comment';

export const addCommentTool = defineTool({
  name,
  title: 'Add comment',
  description:
    'Adds a comment to a ticket that is not closed, written as the calling principal. Internal comments (the default) are seen by agents only; public ones are sent to the customer.',
  input: z.strictObject({
    id: TicketIdSchema,
    body: z.string().min(1).max(1_000_000).describe('Comment text. Limited to the configured byte cap.'),
    visibility: CommentVisibilitySchema.default('internal').describe('"internal" (agents only, default) or "public" (the customer sees it).'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ comment: CommentViewSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (args, ctx, deps: HelpdeskDeps) => {
    assertWithinBytes('body', args.body, deps.maxTextBytes);
    return runIdempotent(deps.store, ctx, name, args, async () => {
      await requireEditableTicket(deps.store, args.id, ctx.signal);
      const comment = await deps.store.addComment(args.id, { author: ctx.principal.id, body: args.body, visibility: args.visibility }, ctx.signal);
      if (!comment) throw ticketNotFound(args.id);
      publishTicketChanged(ctx, args.id);
      return {
        structured: { comment: toCommentView(comment, deps.maxTextBytes) },
        text: `Added ${comment.visibility} comment ${comment.id} to ticket #${args.id}.`,
        links: [ticketLink(args.id)],
      };
    });
  },
});
