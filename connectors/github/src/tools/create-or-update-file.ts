import { z } from 'zod';
import { IdempotencyKeySchema, defineTool, runIdempotent } from '@mcp-hub/connector-kit';
import { clientName } from '../client-name';
import type { GithubDeps } from '../github-deps';
import { contentsUri } from '../github-uris';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { RepoPathSchema } from './get-file-contents';

const CommitResultSchema = z.looseObject({
  content: z.looseObject({ path: z.string(), sha: z.string() }).nullable(),
  commit: z.looseObject({ sha: z.string(), html_url: z.string().optional() }),
});

export const createOrUpdateFileTool = defineTool({
  name: 'create_or_update_file',
  title: 'Create or update a file',
  description:
    `Commits a text file to a branch (a push): creates it, or replaces it when sha names the blob being replaced (from ${clientName('get_file_contents')}). Overwrites content, so it is destructive.`,
  input: z.strictObject({
    ...RepoArgsShape,
    path: RepoPathSchema.refine((p) => p.length > 0, 'a file path'),
    content: z.string().max(262_144).describe('The new file text (UTF-8).'),
    message: z.string().min(1).max(2000).describe('Commit message.'),
    branch: z.string().min(1).max(255).optional().describe('Default: the repository default branch.'),
    sha: z.string().regex(/^[0-9a-f]{40}$/, 'a 40-character blob SHA').optional().describe('Blob SHA of the file being replaced; required to update an existing file.'),
    idempotency_key: IdempotencyKeySchema,
  }),
  output: z.object({ path: z.string(), sha: z.string().nullable(), commit_sha: z.string(), commit_url: z.string().nullable(), uri: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    return runIdempotent(deps.idempotency, ctx, `create_or_update_file:${owner}/${repo}`, args, async () => {
      const response = await deps.github.request(ctx, 'PUT /repos/{owner}/{repo}/contents/{path}', {
        owner,
        repo,
        path: args.path,
        message: args.message,
        content: Buffer.from(args.content, 'utf8').toString('base64'),
        branch: args.branch,
        sha: args.sha,
      });
      const result = parseGithub(CommitResultSchema, response.data, 'the commit');
      const uri = contentsUri(owner, repo, args.path);
      return {
        structured: { path: args.path, sha: result.content?.sha ?? null, commit_sha: result.commit.sha, commit_url: result.commit.html_url ?? null, uri },
        text: `Committed ${args.path} to ${owner}/${repo}${args.branch ? `@${args.branch}` : ''} as ${result.commit.sha.slice(0, 7)}.`,
      };
    });
  },
});
