import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { RepositorySchema } from '../github-schemas';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { RepositoryViewSchema, repositoryLine, toRepositoryView } from '../repo-view';

export const getRepositoryTool = defineTool({
  name: 'get_repository',
  title: 'Get repository',
  description: 'Reads one repository: visibility, default branch, stars, open issues, description.',
  input: z.strictObject(RepoArgsShape),
  output: z.object({ repository: RepositoryViewSchema }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const response = await deps.github.request(ctx, 'GET /repos/{owner}/{repo}', { owner, repo });
    const repository = toRepositoryView(parseGithub(RepositorySchema, response.data, 'the repository'));
    return { structured: { repository }, text: repositoryLine(repository) };
  },
});
