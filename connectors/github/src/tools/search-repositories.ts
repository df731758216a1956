import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { RepositorySchema, searchResultsOf } from '../github-schemas';
import { PageArgsShape, PageResultShape, nextCursor, pageParams } from '../paging';
import { parseGithub } from '../parse-github';
import { RepositoryViewSchema, repositoryLine, toRepositoryView } from '../repo-view';

export const searchRepositoriesTool = defineTool({
  name: 'search_repositories',
  title: 'Search repositories',
  description: "Searches GitHub's repositories with GitHub search syntax, among the repositories this connector is allowed to use only (others never appear).",
  input: z.strictObject({ query: z.string().min(1).max(256).describe('GitHub repository search terms, e.g. "language:go topic:cli".'), ...PageArgsShape }),
  output: z.object({ repositories: z.array(RepositoryViewSchema), ...PageResultShape }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const q = `${args.query} ${deps.allowlist.searchQualifiers()}`;
    const response = await deps.github.request(ctx, 'GET /search/repositories', { q, ...pageParams(args, deps) });
    const found = parseGithub(searchResultsOf(RepositorySchema), response.data, 'the repository search');
    // GitHub ORs repo: qualifiers, so a query naming another repository would reach it: filter again.
    const repositories = found.items.filter((r) => deps.allowlist.allowsFullName(r.full_name)).map(toRepositoryView);
    const next = nextCursor(response);
    return {
      structured: { repositories, truncated: next !== undefined, ...(next && { next_cursor: next }) },
      text: repositories.length ? repositories.map(repositoryLine).join('\n') : 'No allowed repository matches.',
    };
  },
});
