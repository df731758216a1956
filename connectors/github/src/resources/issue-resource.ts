import { ToolError, defineResourceTemplate } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { readIssue } from '../issue-reader';
import { OwnerSchema, RepoNameSchema } from '../repo-allowlist';

/** `github://{owner}/{repo}/issues/{number}`: an issue or pull request conversation with its first comments, as JSON. */
export const issueResource = defineResourceTemplate<GithubDeps>({
  uriTemplate: 'github://{owner}/{repo}/issues/{number}',
  name: 'issue',
  title: 'GitHub issue',
  description: 'An issue or pull request conversation with its first comments (JSON; third-party text marked untrusted).',
  mimeType: 'application/json',
  read: async (params, uri, ctx, deps) => {
    const owner = OwnerSchema.safeParse(params['owner']);
    const repo = RepoNameSchema.safeParse(params['repo']);
    const number = Number(params['number']);
    if (!owner.success || !repo.success || !Number.isInteger(number) || number < 1) throw new ToolError('invalid_arguments', `Not an issue URI: ${uri}`);
    const { issue, comments } = await readIssue(ctx, deps, owner.data, repo.data, number);
    return [{ uri, mimeType: 'application/json', text: JSON.stringify({ issue, comments }) }];
  },
});
