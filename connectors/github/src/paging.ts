import { z } from 'zod';
import { ToolError } from '@mcp-hub/connector-kit';
import { MAX_PAGE_SIZE } from './config';
import type { GithubDeps } from './github-deps';
import type { GithubResponse } from './github-api';

/** The last page a cursor may name: GitHub's search stops at 1000 results, and no list here needs more. */
const MAX_PAGE = 1000;

/** Paging arguments every list tool takes. */
export const PageArgsShape = {
  cursor: z.string().max(64).optional().describe('Opaque cursor from a previous page\'s next_cursor; omit for the first page.'),
  per_page: z.number().int().min(1).max(MAX_PAGE_SIZE).optional().describe(`Items per page (at most ${MAX_PAGE_SIZE}).`),
};

/** Paging fields of every list result. */
export const PageResultShape = {
  next_cursor: z.string().optional().describe('Pass as cursor for the next page; absent on the last page.'),
  truncated: z.boolean().describe('True when more items exist than this page holds: page on with next_cursor, or narrow the query.'),
};

/** GitHub `page` and `per_page` from a tool's paging arguments. */
export function pageParams(args: { cursor?: string | undefined; per_page?: number | undefined }, deps: GithubDeps): { page: number; per_page: number } {
  return { page: args.cursor === undefined ? 1 : decodeCursor(args.cursor), per_page: args.per_page ?? deps.limits.pageSize };
}

/** The cursor of the page GitHub's `Link: <…>; rel="next"` header names, if any. */
export function nextCursor(response: GithubResponse): string | undefined {
  const link = response.headers['link'];
  if (typeof link !== 'string') return undefined;
  for (const part of link.split(',')) {
    const [target, ...attributes] = part.split(';');
    if (!attributes.some((a) => a.trim() === 'rel="next"')) continue;
    const url = target?.trim().replace(/^</, '').replace(/>$/, '');
    const page = url ? Number(new URL(url).searchParams.get('page')) : NaN;
    return Number.isInteger(page) && page > 1 && page <= MAX_PAGE ? Buffer.from(`p${page}`).toString('base64url') : undefined;
  }
  return undefined;
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const page = /^p(\d{1,4})$/.exec(text);
  const n = page ? Number(page[1]) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new ToolError('invalid_arguments', 'The cursor is not one this connector gave out. Omit it to start from the first page.');
  return n;
}
