import type { IdempotencyStore } from '@mcp-hub/connector-kit';
import type { CommentVisibility, Ticket, TicketComment, TicketPriority, TicketStatus } from './ticket';

/** Filters of a ticket search; every field narrows the result. */
export interface TicketFilter {
  /** Case-insensitive substring of the subject or the body. */
  text?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  assignee?: string;
  /** Only tickets nobody is assigned to (ignored when `assignee` is set). */
  unassigned?: boolean;
  requester?: string;
  tag?: string;
}

/** A page of a search, newest ticket first (ordered by id, so pages are stable while tickets change). */
export interface TicketPage {
  tickets: Ticket[];
  /** More tickets match after the last one of this page. */
  hasMore: boolean;
}

export interface NewTicket {
  subject: string;
  body: string;
  requester: string;
  priority: TicketPriority;
  assignee: string | null;
  tags: string[];
  /** Only the demo seeder sets these; a created ticket starts `open`, now. */
  status?: TicketStatus;
  createdAt?: string;
}

export interface TicketPatch {
  subject?: string;
  body?: string;
  priority?: TicketPriority;
  tags?: string[];
}

export interface NewComment {
  author: string;
  body: string;
  visibility: CommentVisibility;
  /** Only the demo seeder sets it. */
  createdAt?: string;
}

/** Demo data: a ticket with its comments. */
export interface SeedTicket extends NewTicket {
  comments: NewComment[];
}

export interface QueueOverview {
  total: number;
  byStatus: Record<TicketStatus, number>;
  byPriority: Record<TicketPriority, number>;
  /** Active tickets (open, in progress, waiting on customer), oldest first. */
  oldestActive: Ticket[];
}


/**
 * Where tickets live. Every method is one atomic step. `signal` aborts the wait for a running
 * read; a write checks it before starting and then completes, so that its outcome is known (an
 * idempotency key must not be freed while its write may still land). Text is stored and
 * returned raw: cleaning third-party text is the tools' job. It keeps the idempotency keys of
 * the write tools too (the kit's `IdempotencyStore`), in the same database as the tickets.
 */
export interface TicketStore extends IdempotencyStore {
  searchTickets(filter: TicketFilter, page: { afterId?: number; limit: number }, signal?: AbortSignal): Promise<TicketPage>;
  getTicket(id: number, signal?: AbortSignal): Promise<Ticket | undefined>;
  /** The first `limit` comments, oldest first, and how many there are. */
  listComments(ticketId: number, limit: number, signal?: AbortSignal): Promise<{ comments: TicketComment[]; total: number }>;
  createTicket(ticket: NewTicket, signal?: AbortSignal): Promise<Ticket>;
  /** Undefined when the ticket does not exist. */
  updateTicket(id: number, patch: TicketPatch, signal?: AbortSignal): Promise<Ticket | undefined>;
  /** Undefined when the ticket does not exist. Moves the ticket's `updatedAt`. */
  addComment(ticketId: number, comment: NewComment, signal?: AbortSignal): Promise<TicketComment | undefined>;
  /** Moves the ticket from `from` to `to`; undefined when it does not exist or is no longer in `from`. */
  transitionTicket(id: number, from: TicketStatus, to: TicketStatus, signal?: AbortSignal): Promise<Ticket | undefined>;
  /** Undefined when the ticket does not exist. `null` unassigns. */
  assignTicket(id: number, assignee: string | null, signal?: AbortSignal): Promise<Ticket | undefined>;
  /** Ids of the most recently updated tickets whose decimal form starts with `prefix`. */
  recentTicketIds(prefix: string, limit: number, signal?: AbortSignal): Promise<number[]>;
  queueOverview(oldestLimit: number, signal?: AbortSignal): Promise<QueueOverview>;
  /** Inserts `tickets` when the store holds none, atomically; true when it did. */
  seedIfEmpty(tickets: SeedTicket[]): Promise<boolean>;
  close(): Promise<void>;
}

/** Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A count of zero for each key, to be filled from a GROUP BY. */
export function zeroCounts<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
