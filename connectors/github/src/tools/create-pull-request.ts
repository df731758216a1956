import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { PullRequestSchema } from '../github-schemas';
import { parseGithub } from '../parse-github';
import { PullSummarySchema, pullLine, toPullSummary } from '../pull-view';
import { RepoArgsShape, allowedRepo } from '../repo-args';

export const createPullRequestTool = defineTool({
  name: 'create_pull_request',
  title: 'Create pull request',
  description: 'Opens a pull request from a head branch into a base branch of the same repository.',
  input: z.strictObject({
    ...RepoArgsShape,
    title: z.string().min(1).max(256),
    head: z.string().min(1).max(255).regex(/^[^\s:~^?*[\\]+$/, 'a branch of this repository').describe('The branch with the changes (same repository).'),
    base: z.string().min(1).max(255).describe('The branch to merge into.'),
    body: z.string().max(65_536).optional(),
    draft: z.boolean().default(false),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ pull_request: PullSummarySchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    return runIdempotent(deps.idempotency, ctx, `create_pull_request:${owner}/${repo}`, args, async () => {
      const response = await deps.github.request(ctx, 'POST /repos/{owner}/{repo}/pulls', { owner, repo, title: args.title, head: args.head, base: args.base, body: args.body, draft: args.draft });
      const pull = toPullSummary(parseGithub(PullRequestSchema, response.data, 'the new pull request'), owner, repo);
      return { structured: { pull_request: pull }, text: `Opened ${pull.repository}#${pull.number}: ${pull.url}\n${pullLine(pull)}` };
    });
  },
});
