import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { IssueSchema, searchResultsOf } from '../github-schemas';
import { IssueSummarySchema, issueLine, repositoryOf, toIssueSummary } from '../issue-view';
import { PageArgsShape, PageResultShape, nextCursor, pageParams } from '../paging';
import { parseGithub } from '../parse-github';

export const searchIssuesTool = defineTool({
  name: 'search_issues',
  title: 'Search issues and pull requests',
  description:
    'Searches issues and pull requests with GitHub search syntax (e.g. "is:open label:bug crash"), in the repositories this connector is allowed to use only: results from any other repository are dropped.',
  input: z.strictObject({
    query: z.string().min(1).max(256),
    sort: z.enum(['comments', 'created', 'updated']).optional(),
    order: z.enum(['asc', 'desc']).default('desc'),
    ...PageArgsShape,
  }),
  output: z.object({ issues: z.array(IssueSummarySchema), total_count: z.number().int().describe('Matches among the allowed repositories, as GitHub counts them.'), ...PageResultShape }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const q = `${args.query} ${deps.allowlist.searchQualifiers()}`;
    const response = await deps.github.request(ctx, 'GET /search/issues', { q, sort: args.sort, order: args.order, ...pageParams(args, deps) });
    const found = parseGithub(searchResultsOf(IssueSchema), response.data, 'the issue search');
    // GitHub ORs repo: qualifiers, so a query naming another repository reaches it: each result is checked again.
    const issues = found.items
      .filter((i) => {
        const { owner, repo } = repositoryOf(i);
        return deps.allowlist.allows(owner, repo);
      })
      .map((i) => toIssueSummary(i, deps.limits.maxBodyChars));
    const next = nextCursor(response);
    const dropped = found.items.length - issues.length;
    return {
      structured: { issues, total_count: found.total_count, truncated: next !== undefined, ...(next && { next_cursor: next }) },
      text: `${issues.length ? issues.map(issueLine).join('\n') : 'No issue in the allowed repositories matches.'}${dropped ? `\n(${dropped} results outside the allowed repositories were dropped.)` : ''}`,
    };
  },
});
