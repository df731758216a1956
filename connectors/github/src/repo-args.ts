import { OwnerSchema, RepoNameSchema } from './repo-allowlist';
import type { GithubDeps } from './github-deps';

/** The arguments naming a repository, shared by every repository tool. */
export const RepoArgsShape = { owner: OwnerSchema, repo: RepoNameSchema };

/** The repository the arguments name, after the allowlist check (before any request leaves). */
export function allowedRepo(args: { owner: string; repo: string }, deps: GithubDeps): { owner: string; repo: string } {
  deps.allowlist.check(args.owner, args.repo);
  return { owner: args.owner, repo: args.repo };
}
