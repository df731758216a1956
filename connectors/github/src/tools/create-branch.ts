import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { BranchSchema, RepositorySchema } from '../github-schemas';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';

/** Git's branch-name rules, the part GitHub enforces: no spaces, `..`, `~^:?*[\`, leading `-` or trailing `/`/`.lock`. */
const BranchNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(?!-)(?!.*\.\.)(?!.*\.lock$)(?!.*\/$)[^\s~^:?*[\\]+$/, 'a valid git branch name');

const RefSchema = z.looseObject({ ref: z.string(), object: z.looseObject({ sha: z.string() }) });

export const createBranchTool = defineTool({
  name: 'create_branch',
  title: 'Create a branch',
  description: 'Creates a branch from another branch (default: the repository default branch). Fails if the branch exists.',
  input: z.strictObject({ ...RepoArgsShape, branch: BranchNameSchema, from_branch: BranchNameSchema.optional(), idempotency_key: IdempotencyKeySchema }),
  output: z.object({ branch: z.string(), sha: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    return runIdempotent(deps.idempotency, ctx, `create_branch:${owner}/${repo}`, args, async () => {
      let from = args.from_branch;
      if (from === undefined) {
        const repository = parseGithub(RepositorySchema, (await deps.github.request(ctx, 'GET /repos/{owner}/{repo}', { owner, repo })).data, 'the repository');
        from = repository.default_branch ?? 'main';
      }
      const base = parseGithub(BranchSchema, (await deps.github.request(ctx, 'GET /repos/{owner}/{repo}/branches/{branch}', { owner, repo, branch: from })).data, 'the branch');
      const created = await deps.github.request(ctx, 'POST /repos/{owner}/{repo}/git/refs', { owner, repo, ref: `refs/heads/${args.branch}`, sha: base.commit.sha });
      const ref = parseGithub(RefSchema, created.data, 'the new branch');
      return { structured: { branch: args.branch, sha: ref.object.sha }, text: `Created branch ${args.branch} in ${owner}/${repo} from ${from} at ${ref.object.sha.slice(0, 7)}.` };
    });
  },
});
