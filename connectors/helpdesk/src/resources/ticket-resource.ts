import { defineResourceTemplate } from '@mcp-hub/connector-kit';
import type { HelpdeskDeps } from '../helpdesk-deps';
import { TICKET_URI_TEMPLATE } from '../ticket-resources';
import { prefixWithinBytes } from '../text-bytes';
import { requireTicket, ticketNotFound } from '../ticket-lookup';
import { toCommentView, toTicketDetail } from '../ticket-view';

/** Comments in one read of the resource, by count and by text bytes; a ticket with more says so with `commentsTruncated`. */
export const MAX_RESOURCE_COMMENTS = 500;
export const RESOURCE_COMMENT_BYTES = 512 * 1024;

/** Ids offered when completing `{id}`. */
const COMPLETION_LIMIT = 20;

export const ticketResource = defineResourceTemplate({
  uriTemplate: TICKET_URI_TEMPLATE,
  name: 'ticket',
  title: 'Ticket with comments',
  description: 'One ticket and its comments as JSON. Customer-written text is marked untrusted.',
  mimeType: 'application/json',
  read: async ({ id }, uri, ctx, deps: HelpdeskDeps) => {
    if (!id || !/^[1-9]\d{0,9}$/.test(id)) throw ticketNotFound(id ?? '');
    const ticket = await requireTicket(deps.store, Number(id), ctx.signal);
    const { comments, total } = await deps.store.listComments(ticket.id, MAX_RESOURCE_COMMENTS, ctx.signal);
    const views = prefixWithinBytes(
      comments.map((c) => toCommentView(c, deps.maxTextBytes)),
      (c) => c.body,
      RESOURCE_COMMENT_BYTES,
    );
    const body = {
      ticket: toTicketDetail(ticket, deps.maxTextBytes),
      comments: views,
      commentCount: total,
      commentsTruncated: total > views.length,
    };
    return [{ uri, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }];
  },
  complete: {
    id: async (value, ctx, deps: HelpdeskDeps) => (await deps.store.recentTicketIds(value, COMPLETION_LIMIT, ctx.signal)).map(String),
  },
});
