import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { GithubDeps } from '../github-deps';
import { UserSchema } from '../github-schemas';
import { parseGithub } from '../parse-github';

export const getMeTool = defineTool({
  name: 'get_me',
  title: 'Who am I on GitHub',
  description: 'The GitHub account this connector acts as, and the repositories it is allowed to use.',
  input: z.strictObject({}),
  output: z.object({ login: z.string(), name: z.string().nullable(), type: z.string().nullable(), url: z.string(), allowed_repositories: z.array(z.string()) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (_args, ctx, deps: GithubDeps) => {
    const response = await deps.github.request(ctx, 'GET /user', {});
    const user = parseGithub(UserSchema, response.data, 'the user');
    const allowed = deps.allowlist.describe().split(', ');
    return {
      structured: { login: user.login, name: user.name ?? null, type: user.type ?? null, url: user.html_url, allowed_repositories: allowed },
      text: `Acting as ${user.login}${user.name ? ` (${user.name})` : ''}. Allowed repositories: ${allowed.join(', ')}.`,
    };
  },
});
