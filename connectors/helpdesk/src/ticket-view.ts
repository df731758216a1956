import { z } from 'zod';
import { cleanUntrustedText, fenceUntrusted, untrusted } from '@mcp-hub/connector-kit';
import { CommentVisibilitySchema, TicketPrioritySchema, TicketStatusSchema, type Ticket, type TicketComment } from './ticket';
import { ticketUri } from './ticket-resources';
import { truncateToBytes } from './text-bytes';

/**
 * How tickets leave the connector. Everything in a ticket was written by people outside the
 * model's principal (customers above all), so every text field is cut to its size and then
 * cleaned with `cleanUntrustedText` (cutting first bounds the work), and every object carries
 * the untrusted mark with its source.
 */
const UntrustedMarkShape = { untrusted: z.literal(true), source: z.string() };

/** Longest stored text read per field, in UTF-16 code units: the input schemas' limits. */
const SUBJECT_MAX_CHARS = 500;
const PERSON_MAX_CHARS = 200;
const TAG_MAX_CHARS = 40;
/** What search results show. */
const SUMMARY_SUBJECT_MAX_CHARS = 200;
const SNIPPET_MAX_CHARS = 160;
/** Body text read for a snippet: enough to fill one once markup and runs of whitespace are gone. */
const SNIPPET_SOURCE_CHARS = 4_096;

export const TicketSummarySchema = z.object({
  id: z.number().int(),
  subject: z.string(),
  snippet: z.string().describe('Start of the body, whitespace collapsed.'),
  status: TicketStatusSchema,
  priority: TicketPrioritySchema,
  requester: z.string(),
  assignee: z.string().nullable(),
  tags: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  uri: z.string(),
  ...UntrustedMarkShape,
});
export type TicketSummary = z.infer<typeof TicketSummarySchema>;

export const TicketDetailSchema = TicketSummarySchema.omit({ snippet: true }).extend({
  body: z.string(),
  bodyTruncated: z.boolean().describe('The body was longer than the byte cap and was cut.'),
});
export type TicketDetail = z.infer<typeof TicketDetailSchema>;

export const CommentViewSchema = z.object({
  id: z.number().int(),
  ticketId: z.number().int(),
  author: z.string(),
  body: z.string(),
  bodyTruncated: z.boolean(),
  visibility: CommentVisibilitySchema,
  createdAt: z.string(),
  ...UntrustedMarkShape,
});
export type CommentView = z.infer<typeof CommentViewSchema>;

export function ticketSource(id: number): string {
  return `helpdesk:ticket:${id}`;
}

export function toTicketSummary(ticket: Ticket): TicketSummary {
  const fields = ticketFields(ticket);
  const snippet = cleanUntrustedText(ticket.body, { maxChars: SNIPPET_SOURCE_CHARS }).replace(/\s+/g, ' ').trim();
  return { ...fields, subject: shorten(fields.subject, SUMMARY_SUBJECT_MAX_CHARS), snippet: shorten(snippet, SNIPPET_MAX_CHARS) };
}

export function toTicketDetail(ticket: Ticket, maxTextBytes: number): TicketDetail {
  const body = cleanBody(ticket.body, maxTextBytes);
  return { ...ticketFields(ticket), body: body.text, bodyTruncated: body.truncated };
}

/** A requester, assignee or author as it may be shown. */
export function cleanPerson(person: string): string {
  return cleanUntrustedText(person, { maxChars: PERSON_MAX_CHARS });
}

/** A character takes at least one UTF-8 byte, so a text within `maxTextBytes` is never cut before cleaning. */
function cleanBody(body: string, maxTextBytes: number): { text: string; truncated: boolean } {
  const cleaned = truncateToBytes(cleanUntrustedText(body, { maxChars: maxTextBytes }), maxTextBytes);
  return { text: cleaned.text, truncated: cleaned.truncated || body.length > maxTextBytes };
}

function ticketFields(ticket: Ticket) {
  return {
    id: ticket.id,
    subject: cleanUntrustedText(ticket.subject, { maxChars: SUBJECT_MAX_CHARS }),
    status: ticket.status,
    priority: ticket.priority,
    requester: cleanPerson(ticket.requester),
    assignee: ticket.assignee === null ? null : cleanPerson(ticket.assignee),
    tags: ticket.tags.map((tag) => cleanUntrustedText(tag, { maxChars: TAG_MAX_CHARS })),
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    uri: ticketUri(ticket.id),
    ...untrusted(ticketSource(ticket.id)),
  };
}

export function toCommentView(comment: TicketComment, maxTextBytes: number): CommentView {
  const body = cleanBody(comment.body, maxTextBytes);
  return {
    id: comment.id,
    ticketId: comment.ticketId,
    author: cleanPerson(comment.author),
    body: body.text,
    bodyTruncated: body.truncated,
    visibility: comment.visibility,
    createdAt: comment.createdAt,
    ...untrusted(`${ticketSource(comment.ticketId)}:comment:${comment.id}`),
  };
}

/** One line per ticket for text results: `#12 [open, high] Subject — requester, assignee`. */
export function ticketLine(ticket: TicketSummary | TicketDetail): string {
  return `#${ticket.id} [${ticket.status}, ${ticket.priority}] ${JSON.stringify(ticket.subject)} — from ${ticket.requester}, ${ticket.assignee ? `assigned to ${ticket.assignee}` : 'unassigned'}`;
}

/** A ticket and its comments as text for a model, each piece of customer text fenced as untrusted. */
export function ticketTranscript(ticket: TicketDetail, comments: CommentView[]): string {
  const lines = [
    ticketLine(ticket),
    `Created ${ticket.createdAt}, updated ${ticket.updatedAt}${ticket.tags.length ? `, tags: ${ticket.tags.join(', ')}` : ''}.`,
    fenceUntrusted(ticket.source, `Subject: ${ticket.subject}\n\n${ticket.body}${ticket.bodyTruncated ? '\n[body cut at the size limit]' : ''}`),
  ];
  for (const comment of comments) {
    lines.push(`Comment ${comment.id} (${comment.visibility}) by ${comment.author} at ${comment.createdAt}:`, fenceUntrusted(comment.source, comment.body));
  }
  return lines.join('\n');
}

function shorten(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('')}…`;
}
