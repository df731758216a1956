import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { IssueNumberSchema } from './get-issue';

const MergeResultSchema = z.looseObject({ sha: z.string(), merged: z.boolean(), message: z.string() });

export const mergePullRequestTool = defineTool({
  name: 'merge_pull_request',
  title: 'Merge pull request',
  description: 'Merges a pull request into its base branch (merge, squash or rebase). Changes the base branch for everyone: destructive. Pass the expected head SHA so that nothing pushed since is merged unseen.',
  input: z.strictObject({
    ...RepoArgsShape,
    pull_number: IssueNumberSchema,
    merge_method: z.enum(['merge', 'squash', 'rebase']).default('merge'),
    sha: z.string().regex(/^[0-9a-f]{40}$/, 'a 40-character commit SHA').optional().describe('The head SHA the merge must match.'),
    commit_title: z.string().max(256).optional(),
    commit_message: z.string().max(65_536).optional(),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ merged: z.boolean(), sha: z.string(), message: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const { idempotency_key: _key, owner: _o, repo: _r, ...merge } = args;
    return runIdempotent(deps.idempotency, ctx, `merge_pull_request:${owner}/${repo}#${args.pull_number}`, args, async () => {
      const response = await deps.github.request(ctx, 'PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge', { owner, repo, ...merge }, { idempotent: false });
      const result = parseGithub(MergeResultSchema, response.data, 'the merge');
      return { structured: { merged: result.merged, sha: result.sha, message: result.message }, text: `${owner}/${repo}#${args.pull_number}: ${result.merged ? `merged as ${result.sha.slice(0, 7)}` : 'not merged'}.` };
    });
  },
});
