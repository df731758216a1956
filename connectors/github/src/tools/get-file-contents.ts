import { z } from 'zod';
import { defineTool, fenceUntrusted } from '@mcp-hub/connector-kit';
import { readContents } from '../file-contents';
import type { GithubDeps } from '../github-deps';
import { contentsUri } from '../github-uris';
import { RepoArgsShape, allowedRepo } from '../repo-args';
import { UntrustedTextSchema, untrustedText } from '../untrusted-body';

export const RepoPathSchema = z
  .string()
  .max(1024)
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'a path inside the repository (no . or .. segments)')
  .describe('Path in the repository; empty for the root directory.');

export const getFileContentsTool = defineTool({
  name: 'get_file_contents',
  title: 'Get file or directory contents',
  description: 'Reads a file (text up to the size cap; larger or binary files come back as a resource link) or lists a directory, at a branch, tag or SHA (default branch when omitted).',
  input: z.strictObject({ ...RepoArgsShape, path: RepoPathSchema.default(''), ref: z.string().min(1).max(255).optional() }),
  output: z.object({
    kind: z.enum(['file', 'directory']),
    path: z.string(),
    entries: z.array(z.object({ type: z.string(), name: z.string(), path: z.string(), size: z.number().int() })).optional(),
    sha: z.string().optional(),
    size: z.number().int().optional(),
    content: UntrustedTextSchema.optional().describe('The file text; absent for a binary or too large file (see uri).'),
    uri: z.string().optional().describe('The file as a resource of this connector.'),
    truncated: z.boolean(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const found = await readContents(ctx, deps, { owner, repo, path: args.path, ref: args.ref });
    if (found.kind === 'directory') {
      return {
        structured: { kind: 'directory' as const, path: args.path, entries: found.entries, truncated: false },
        text: found.entries.map((e) => `${e.type === 'dir' ? 'dir ' : 'file'} ${e.path}${e.type === 'dir' ? '/' : ` (${e.size} bytes)`}`).join('\n') || 'Empty directory.',
      };
    }
    const uri = contentsUri(owner, repo, found.path);
    if (found.text === undefined) {
      const why = found.tooLarge ? `larger than ${deps.limits.maxFileBytes} bytes` : 'binary';
      return {
        structured: { kind: 'file' as const, path: found.path, sha: found.sha, size: found.size, uri, truncated: found.tooLarge },
        text: `${found.path} is ${why} (${found.size} bytes); it is linked as ${uri}.`,
        links: [{ uri, name: found.path, description: `${found.size} bytes` }],
      };
    }
    const content = untrustedText(`github:${owner}/${repo}:file:${found.path}`, found.text, deps.limits.maxFileBytes);
    return {
      structured: { kind: 'file' as const, path: found.path, sha: found.sha, size: found.size, content, uri, truncated: content.truncated },
      text: `${found.path} (${found.size} bytes, sha ${found.sha.slice(0, 7)}):\n${fenceUntrusted(content.source, content.text)}`,
    };
  },
});
