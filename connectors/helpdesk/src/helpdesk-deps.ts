import type { TicketStore } from './ticket-store';

/** What the helpdesk handlers receive: the store and the limits from configuration. */
export interface HelpdeskDeps {
  store: TicketStore;
  /** Default page of `search_tickets` (the hard cap is 100). */
  pageSize: number;
  /** Cap, in UTF-8 bytes, on a body or comment written, and on each one returned (longer ones are cut and flagged). */
  maxTextBytes: number;
}

/** Hard cap on a `search_tickets` page, whatever the configuration or the caller asks. */
export const MAX_PAGE_SIZE = 100;
