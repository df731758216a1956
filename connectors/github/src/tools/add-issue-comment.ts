import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { CommentSchema } from '../github-schemas';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { IssueNumberSchema } from './get-issue';

export const addIssueCommentTool = defineTool({
  name: 'add_issue_comment',
  title: 'Comment on an issue',
  description: 'Adds a comment to an issue or pull request conversation. Visible to everyone who can see the repository.',
  input: z.strictObject({ ...RepoArgsShape, issue_number: IssueNumberSchema, body: z.string().min(1).max(65_536), idempotency_key: IdempotencyKeySchema }),
  output: z.object({ id: z.number().int(), url: z.string(), created_at: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    return runIdempotent(deps.idempotency, ctx, `add_issue_comment:${owner}/${repo}#${args.issue_number}`, args, async () => {
      const response = await deps.github.request(ctx, 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: args.issue_number, body: args.body });
      const comment = parseGithub(CommentSchema, response.data, 'the new comment');
      return { structured: { id: comment.id, url: comment.html_url, created_at: comment.created_at }, text: `Commented on ${owner}/${repo}#${args.issue_number}: ${comment.html_url}` };
    });
  },
});
