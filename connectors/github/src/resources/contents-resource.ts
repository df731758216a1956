import { ToolError, cleanUntrustedText, defineResourceTemplate } from '@mcp-hub/connector-kit';
import { readContents } from '../file-contents';
import type { GithubDeps } from '../github-deps';
import { OwnerSchema, RepoNameSchema } from '../repo-allowlist';
import { RepoPathSchema } from '../tools/get-file-contents';

/**
 * `github://{owner}/{repo}/contents/{path}` (the path percent-encoded as one segment): a file at
 * the default branch, as text, or base64 when binary. A file over the inline cap is refused
 * here too: the bus carries results of bounded size.
 */
export const contentsResource = defineResourceTemplate<GithubDeps>({
  uriTemplate: 'github://{owner}/{repo}/contents/{path}',
  name: 'file',
  title: 'GitHub file',
  description: 'A file of a repository at its default branch (the path percent-encoded, e.g. src%2Findex.ts).',
  read: async (params, uri, ctx, deps) => {
    const owner = OwnerSchema.safeParse(params['owner']);
    const repo = RepoNameSchema.safeParse(params['repo']);
    const path = RepoPathSchema.safeParse(params['path']);
    if (!owner.success || !repo.success || !path.success) throw new ToolError('invalid_arguments', `Not a file URI: ${uri}`);
    deps.allowlist.check(owner.data, repo.data);
    const found = await readContents(ctx, deps, { owner: owner.data, repo: repo.data, path: path.data });
    if (found.kind === 'directory') return [{ uri, mimeType: 'application/json', text: JSON.stringify(found.entries) }];
    if (found.tooLarge) throw new ToolError('invalid_arguments', `${found.path} is ${found.size} bytes, over this connector's cap of ${deps.limits.maxFileBytes}. Read it on GitHub.`);
    // Third-party text like any other: cleaned (invisible and bidi characters, markup), never raw.
    if (found.text !== undefined) return [{ uri, mimeType: 'text/plain', text: cleanUntrustedText(found.text, { maxChars: deps.limits.maxFileBytes }) }];
    return [{ uri, mimeType: 'application/octet-stream', blob: found.base64 ?? '' }];
  },
});
