import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import { clientName } from '../client-name';
import type { GithubDeps } from '../github-deps';
import { CommentSchema } from '../github-schemas';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { IssueNumberSchema } from './get-issue';

export const addPullRequestReviewCommentTool = defineTool({
  name: 'add_pull_request_review_comment',
  title: 'Comment on a line of a pull request',
  description: `Adds a review comment on a line of a pull request's diff, at the given commit (the head SHA from ${clientName('get_pull_request')}).`,
  input: z.strictObject({
    ...RepoArgsShape,
    pull_number: IssueNumberSchema,
    body: z.string().min(1).max(65_536),
    commit_id: z.string().regex(/^[0-9a-f]{40}$/, 'a 40-character commit SHA'),
    path: z.string().min(1).max(1024),
    line: z.number().int().min(1),
    side: z.enum(['LEFT', 'RIGHT']).default('RIGHT'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ id: z.number().int(), url: z.string(), created_at: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const { idempotency_key: _key, owner: _o, repo: _r, ...comment } = args;
    return runIdempotent(deps.idempotency, ctx, `add_pull_request_review_comment:${owner}/${repo}#${args.pull_number}`, args, async () => {
      const response = await deps.github.request(ctx, 'POST /repos/{owner}/{repo}/pulls/{pull_number}/comments', { owner, repo, ...comment });
      const created = parseGithub(CommentSchema, response.data, 'the new review comment');
      return { structured: { id: created.id, url: created.html_url, created_at: created.created_at }, text: `Commented on ${args.path}:${args.line} of ${owner}/${repo}#${args.pull_number}: ${created.html_url}` };
    });
  },
});
