import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { PullRequestSchema } from '../github-schemas';
import { PageArgsShape, PageResultShape, nextCursor, pageParams } from '../paging';
import { parseGithub } from '../parse-github';
import { PullSummarySchema, pullLine, toPullSummary } from '../pull-view';
import { RepoArgsShape, allowedRepo } from '../repo-args';

export const listPullRequestsTool = defineTool({
  name: 'list_pull_requests',
  title: 'List pull requests',
  description: 'Lists the pull requests of a repository by state, base branch and head. Titles are third-party text.',
  input: z.strictObject({
    ...RepoArgsShape,
    state: z.enum(['open', 'closed', 'all']).default('open'),
    base: z.string().min(1).max(255).optional(),
    head: z.string().min(1).max(300).optional().describe('user:branch'),
    sort: z.enum(['created', 'updated', 'popularity', 'long-running']).default('created'),
    ...PageArgsShape,
  }),
  output: z.object({ pull_requests: z.array(PullSummarySchema), ...PageResultShape }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const response = await deps.github.request(ctx, 'GET /repos/{owner}/{repo}/pulls', { owner, repo, state: args.state, base: args.base, head: args.head, sort: args.sort, ...pageParams(args, deps) });
    const pulls = parseGithub(z.array(PullRequestSchema), response.data, 'the pull requests').map((p) => toPullSummary(p, owner, repo));
    const next = nextCursor(response);
    return {
      structured: { pull_requests: pulls, truncated: next !== undefined, ...(next && { next_cursor: next }) },
      text: pulls.map(pullLine).join('\n') || `No ${args.state === 'all' ? '' : `${args.state} `}pull requests.`,
    };
  },
});
