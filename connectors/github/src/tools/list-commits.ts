import { z } from 'zod';
import { defineTool, fenceUntrusted } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { CommitSchema } from '../github-schemas';
import { PageArgsShape, PageResultShape, nextCursor, pageParams } from '../paging';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { UntrustedTextSchema, untrustedText } from '../untrusted-body';

const RefSchema = z.string().min(1).max(255).regex(/^[^\s~^:?*[\\]+$/, 'a branch, tag or commit SHA');

export const listCommitsTool = defineTool({
  name: 'list_commits',
  title: 'List commits',
  description: 'Lists the commits of a branch, tag or SHA (default branch when omitted), newest first, optionally only those touching a path.',
  input: z.strictObject({ ...RepoArgsShape, sha: RefSchema.optional(), path: z.string().min(1).max(1024).optional(), ...PageArgsShape }),
  output: z.object({
    commits: z.array(z.object({ sha: z.string(), message: UntrustedTextSchema, author: z.string().nullable(), date: z.string().nullable(), url: z.string() })),
    ...PageResultShape,
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const response = await deps.github.request(ctx, 'GET /repos/{owner}/{repo}/commits', { owner, repo, sha: args.sha, path: args.path, ...pageParams(args, deps) });
    const commits = parseGithub(z.array(CommitSchema), response.data, 'the commits').map((c) => ({
      sha: c.sha,
      message: untrustedText(`github:${owner}/${repo}:commit:${c.sha}`, c.commit.message, 2000),
      author: c.author?.login ?? c.commit.author?.name ?? null,
      date: c.commit.author?.date ?? null,
      url: c.html_url,
    }));
    const next = nextCursor(response);
    return {
      structured: { commits, truncated: next !== undefined, ...(next && { next_cursor: next }) },
      text: commits.map((c) => `${c.sha.slice(0, 7)} ${c.date ?? ''} ${c.author ?? ''}\n${fenceUntrusted(c.message.source, c.message.text.split('\n')[0] ?? '')}`).join('\n') || 'No commits.',
    };
  },
});
