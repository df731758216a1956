import type { HandlerContext } from '@mcp-hub/connector-kit';

/** The queue overview resource. */
export const QUEUE_URI = 'helpdesk://queue';

/** One ticket with its comments. */
export const TICKET_URI_TEMPLATE = 'helpdesk://tickets/{id}';

export function ticketUri(id: number): string {
  return `helpdesk://tickets/${id}`;
}

/** Tells subscribers that a ticket, and so the queue, changed. Every write tool calls it. */
export function publishTicketChanged(ctx: HandlerContext, id: number): void {
  ctx.resourceUpdated(ticketUri(id));
  ctx.resourceUpdated(QUEUE_URI);
}

/** The resource link a tool result carries for a ticket. */
export function ticketLink(id: number): { uri: string; name: string; title: string; mimeType: string } {
  return { uri: ticketUri(id), name: `ticket-${id}`, title: `Ticket #${id} with comments`, mimeType: 'application/json' };
}
