import { ToolError } from '@mcp-hub/connector-kit';
import { canonicalHash } from '@mcp-hub/connector-contract';
import type { TicketFilter } from './ticket-store';

/**
 * Opaque `search_tickets` cursors: the last ticket id of the page (pagination is keyset, so it
 * stays correct while tickets change) bound to the filter it was made for.
 */
export function encodeCursor(afterId: number, filter: TicketFilter): string {
  return Buffer.from(JSON.stringify({ after: afterId, filter: filterKey(filter) })).toString('base64url');
}

/** @throws ToolError('invalid_arguments') for a malformed cursor or one made for another filter. */
export function decodeCursor(cursor: string, filter: TicketFilter): number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const { after, filter: key } = (decoded ?? {}) as { after?: unknown; filter?: unknown };
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 1 || typeof key !== 'string') {
    throw new ToolError('invalid_arguments', 'cursor is not one this tool returned. Search again without a cursor.');
  }
  if (key !== filterKey(filter)) {
    throw new ToolError('invalid_arguments', 'cursor belongs to a search with other filters. Repeat the same filters, or search again without a cursor.');
  }
  return after;
}

function filterKey(filter: TicketFilter): string {
  return canonicalHash(filter).slice(0, 16);
}
