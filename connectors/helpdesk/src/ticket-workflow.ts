import type { TicketStatus } from './ticket';

/**
 * The status workflow. Work starts, may wait on the customer, and ends resolved; a resolved
 * ticket is closed or reopened, and a closed one can only be reopened. `in_progress → resolved`
 * is allowed too, because most tickets are solved without waiting on the customer.
 */
const NEXT_STATUSES: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  open: ['in_progress'],
  in_progress: ['waiting_on_customer', 'resolved'],
  waiting_on_customer: ['in_progress', 'resolved'],
  resolved: ['closed', 'open'],
  closed: ['open'],
};

/** The statuses a ticket in `from` may move to, in workflow order. */
export function nextStatuses(from: TicketStatus): readonly TicketStatus[] {
  return NEXT_STATUSES[from];
}

export function isLegalTransition(from: TicketStatus, to: TicketStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}

/** Statuses that still need an agent (counted as the queue's open work). */
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['open', 'in_progress', 'waiting_on_customer'];
