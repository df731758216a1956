import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { IssueSchema } from '../github-schemas';
import { IssueSummarySchema, issueLine, toIssueSummary } from '../issue-view';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { LabelNameSchema } from './list-issues';

export const LoginSchema = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'a GitHub login');

export const createIssueTool = defineTool({
  name: 'create_issue',
  title: 'Create issue',
  description: 'Opens an issue in a repository, optionally with labels, assignees and a milestone.',
  input: z.strictObject({
    ...RepoArgsShape,
    title: z.string().min(1).max(256),
    body: z.string().max(65_536).optional(),
    labels: z.array(LabelNameSchema).max(20).optional(),
    assignees: z.array(LoginSchema).max(10).optional(),
    milestone: z.number().int().min(1).optional(),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ issue: IssueSummarySchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    return runIdempotent(deps.idempotency, ctx, `create_issue:${owner}/${repo}`, args, async () => {
      const response = await deps.github.request(ctx, 'POST /repos/{owner}/{repo}/issues', {
        owner,
        repo,
        title: args.title,
        body: args.body,
        labels: args.labels,
        assignees: args.assignees,
        milestone: args.milestone,
      });
      const issue = toIssueSummary(parseGithub(IssueSchema, response.data, 'the new issue'), deps.limits.maxBodyChars);
      return { structured: { issue }, text: `Created ${issue.repository}#${issue.number}: ${issue.url}\n${issueLine(issue)}` };
    });
  },
});
