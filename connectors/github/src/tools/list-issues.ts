import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { IssueSchema } from '../github-schemas';
import { IssueSummarySchema, issueLine, toIssueSummary } from '../issue-view';
import { PageArgsShape, PageResultShape, nextCursor, pageParams } from '../paging';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';

export const LabelNameSchema = z.string().min(1).max(100);

export const listIssuesTool = defineTool({
  name: 'list_issues',
  title: 'List issues',
  description: 'Lists the issues of a repository (pull requests left out), newest first, by state, labels and assignee. Titles are third-party text.',
  input: z.strictObject({
    ...RepoArgsShape,
    state: z.enum(['open', 'closed', 'all']).default('open'),
    labels: z.array(LabelNameSchema).max(20).optional().describe('Only issues with every one of these labels.'),
    assignee: z.string().max(39).optional().describe('A login, "none" or "*".'),
    sort: z.enum(['created', 'updated', 'comments']).default('created'),
    ...PageArgsShape,
  }),
  output: z.object({ issues: z.array(IssueSummarySchema), ...PageResultShape }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const response = await deps.github.request(ctx, 'GET /repos/{owner}/{repo}/issues', {
      owner,
      repo,
      state: args.state,
      labels: args.labels?.join(','),
      assignee: args.assignee,
      sort: args.sort,
      ...pageParams(args, deps),
    });
    const issues = parseGithub(z.array(IssueSchema), response.data, 'the issues')
      .filter((i) => i.pull_request === undefined)
      .map((i) => toIssueSummary(i, deps.limits.maxBodyChars));
    const next = nextCursor(response);
    return {
      structured: { issues, truncated: next !== undefined, ...(next && { next_cursor: next }) },
      text: issues.length ? issues.map(issueLine).join('\n') : `No ${args.state === 'all' ? '' : `${args.state} `}issues match.`,
    };
  },
});
