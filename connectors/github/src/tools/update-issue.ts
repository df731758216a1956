import { z } from 'zod';
import { IdempotencyKeySchema, ToolError, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { IssueSchema } from '../github-schemas';
import { IssueSummarySchema, issueLine, toIssueSummary } from '../issue-view';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { LoginSchema } from './create-issue';
import { IssueNumberSchema } from './get-issue';
import { LabelNameSchema } from './list-issues';

export const updateIssueTool = defineTool({
  name: 'update_issue',
  title: 'Update issue',
  description:
    'Changes an issue: title, body, state with its reason (close as completed / not_planned / duplicate, or reopen), labels (replaces the whole set), assignees (replaces them), milestone (null removes it). Only the fields given change.',
  input: z.strictObject({
    ...RepoArgsShape,
    issue_number: IssueNumberSchema,
    title: z.string().min(1).max(256).optional(),
    body: z.string().max(65_536).optional(),
    state: z.enum(['open', 'closed']).optional(),
    state_reason: z.enum(['completed', 'not_planned', 'duplicate', 'reopened']).optional().describe('Why it was closed or reopened; needs state.'),
    labels: z.array(LabelNameSchema).max(20).optional(),
    assignees: z.array(LoginSchema).max(10).optional(),
    milestone: z.number().int().min(1).nullable().optional(),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ issue: IssueSummarySchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const { owner: _o, repo: _r, issue_number, idempotency_key: _k, ...changes } = args;
    if (Object.values(changes).every((v) => v === undefined)) throw new ToolError('invalid_arguments', 'Give at least one field to change.');
    if (args.state_reason !== undefined) {
      const expected = args.state_reason === 'reopened' ? 'open' : 'closed';
      if (args.state !== expected) throw new ToolError('invalid_arguments', `state_reason "${args.state_reason}" needs state "${expected}".`);
    }
    return runIdempotent(deps.idempotency, ctx, `update_issue:${owner}/${repo}#${issue_number}`, args, async () => {
      const response = await deps.github.request(ctx, 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', { owner, repo, issue_number, ...changes });
      const issue = toIssueSummary(parseGithub(IssueSchema, response.data, 'the issue'), deps.limits.maxBodyChars);
      return { structured: { issue }, text: `Updated ${issue.repository}#${issue.number}.\n${issueLine(issue)}` };
    });
  },
});
