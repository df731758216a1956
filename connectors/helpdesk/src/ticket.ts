import { z } from 'zod';
import { VISIBLE_LINE, findInvisibleCharacter } from '@mcp-hub/connector-kit';

/** Where a ticket is in its life; the legal moves between them are in `ticket-workflow.ts`. */
export const TicketStatusSchema = z.enum(['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed']);
export type TicketStatus = z.infer<typeof TicketStatusSchema>;

export const TicketPrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);
export type TicketPriority = z.infer<typeof TicketPrioritySchema>;

/** `public` comments are seen by the requester; `internal` ones only by agents. */
export const CommentVisibilitySchema = z.enum(['public', 'internal']);
export type CommentVisibility = z.infer<typeof CommentVisibilitySchema>;

/** A ticket as the store holds it. Text fields are raw: clean them before they reach a model. */
export interface Ticket {
  id: number;
  subject: string;
  body: string;
  status: TicketStatus;
  priority: TicketPriority;
  /** The customer who asked, usually an email address. */
  requester: string;
  /** The agent working on it; null when unassigned. */
  assignee: string | null;
  tags: string[];
  /** ISO 8601, UTC. */
  createdAt: string;
  /** ISO 8601, UTC; moves on every change, including a new comment. */
  updatedAt: string;
}

export interface TicketComment {
  id: number;
  ticketId: number;
  author: string;
  body: string;
  visibility: CommentVisibility;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/** A ticket number as tools take it. */
export const TicketIdSchema = z.number().int().min(1).max(2_147_483_647).describe('Ticket number, e.g. 12.');

/** A tag: short, lower-case, no spaces. */
export const TagSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a tag is 1–40 lower-case letters, digits, - or _');

/**
 * One line of visible text, trimmed, of 1 to `maxChars` characters. Control and invisible
 * characters (tab, newline, NUL, ESC, zero-width, bidi, fillers…) are refused: in a short field
 * they only hide or disguise text from the human who reads it.
 */
export function visibleLine(maxChars: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(maxChars)
    .regex(VISIBLE_LINE, {
      error: (issue) => `contains the control or invisible character ${typeof issue.input === 'string' ? findInvisibleCharacter(issue.input) : ''}; use one line of visible text`,
    });
}

/** A requester or agent: an email address or a name. */
export const PersonSchema = visibleLine(200);

/** A ticket subject. */
export const SubjectSchema = visibleLine(500);
