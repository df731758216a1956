import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { BranchSchema } from '../github-schemas';
import { PageArgsShape, PageResultShape, nextCursor, pageParams } from '../paging';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';

export const listBranchesTool = defineTool({
  name: 'list_branches',
  title: 'List branches',
  description: 'Lists the branches of a repository with their head commit.',
  input: z.strictObject({ ...RepoArgsShape, ...PageArgsShape }),
  output: z.object({ branches: z.array(z.object({ name: z.string(), sha: z.string(), protected: z.boolean() })), ...PageResultShape }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const response = await deps.github.request(ctx, 'GET /repos/{owner}/{repo}/branches', { owner, repo, ...pageParams(args, deps) });
    const branches = parseGithub(z.array(BranchSchema), response.data, 'the branches').map((b) => ({ name: b.name, sha: b.commit.sha, protected: b.protected ?? false }));
    const next = nextCursor(response);
    return {
      structured: { branches, truncated: next !== undefined, ...(next && { next_cursor: next }) },
      text: branches.map((b) => `${b.name} ${b.sha.slice(0, 7)}${b.protected ? ' (protected)' : ''}`).join('\n') || 'No branches.',
    };
  },
});
