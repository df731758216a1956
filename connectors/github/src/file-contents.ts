import { ToolError, type HandlerContext } from '@mcp-hub/connector-kit';
import type { GithubDeps } from './github-deps';
import { ContentsSchema, FileContentSchema } from './github-schemas';
import { parseGithub } from './parse-github';

export type Contents =
  | { kind: 'directory'; entries: Array<{ type: string; name: string; path: string; size: number }> }
  | { kind: 'file'; path: string; sha: string; size: number; text?: string; base64?: string; binary: boolean; tooLarge: boolean };

/**
 * A file or directory of a repository. A file's text is decoded only when it is at most
 * `maxFileBytes` and valid UTF-8 text; otherwise the caller links it rather than inlining it.
 */
export async function readContents(ctx: HandlerContext, deps: GithubDeps, target: { owner: string; repo: string; path: string; ref?: string | undefined }): Promise<Contents> {
  const response = await deps.github.request(ctx, 'GET /repos/{owner}/{repo}/contents/{path}', { owner: target.owner, repo: target.repo, path: target.path, ref: target.ref });
  const found = parseGithub(ContentsSchema, response.data, 'the contents');
  if (Array.isArray(found)) return { kind: 'directory', entries: found.map((e) => ({ type: e.type, name: e.name, path: e.path, size: e.size })) };
  if (found.type !== 'file') throw new ToolError('invalid_arguments', `${target.path} is a ${found.type}, not a file or directory.`);
  const file = parseGithub(FileContentSchema, found, 'the file');
  const tooLarge = file.size > deps.limits.maxFileBytes || file.content === undefined || file.encoding !== 'base64';
  if (tooLarge) return { kind: 'file', path: found.path, sha: found.sha, size: found.size, binary: false, tooLarge: true };
  const bytes = Buffer.from(file.content ?? '', 'base64');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const binary = text.includes('\uFFFD') || bytes.includes(0);
  return { kind: 'file', path: found.path, sha: found.sha, size: found.size, binary, tooLarge: false, ...(binary ? { base64: bytes.toString('base64') } : { text }) };
}
