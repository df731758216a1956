import { ToolError } from '@mcp-hub/connector-kit';
import type { Ticket } from './ticket';
import type { TicketStore } from './ticket-store';
import { clientName } from './client-name';

/** The error every tool, resource and prompt gives for a missing ticket. */
export function ticketNotFound(id: number | string): ToolError {
  return new ToolError('not_found', `Ticket ${id} does not exist. Use ${clientName('search_tickets')} to find ticket ids.`);
}

/** @throws ToolError('not_found') when the ticket does not exist. */
export async function requireTicket(store: TicketStore, id: number, signal?: AbortSignal): Promise<Ticket> {
  const ticket = await store.getTicket(id, signal);
  if (!ticket) throw ticketNotFound(id);
  return ticket;
}

/** @throws ToolError('not_found'), or ToolError('conflict') when the ticket is closed: a closed ticket is reopened before it changes. */
export async function requireEditableTicket(store: TicketStore, id: number, signal?: AbortSignal): Promise<Ticket> {
  const ticket = await requireTicket(store, id, signal);
  if (ticket.status === 'closed') throw new ToolError('conflict', `Ticket ${id} is closed. Reopen it with ${clientName('transition_ticket')} (status "open") before changing it.`);
  return ticket;
}
