import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import { clientName } from '../client-name';
import type { GithubDeps } from '../github-deps';
import { LabelSchema } from '../github-schemas';
import { cleanLabel } from '../issue-view';
import { PageArgsShape, PageResultShape, nextCursor, pageParams } from '../paging';
import { parseGithub } from '../parse-github';
import { RepoArgsShape, allowedRepo } from '../repo-args';

export const listLabelsTool = defineTool({
  name: 'list_labels',
  title: 'List labels',
  description: `Lists the labels defined in a repository, to pick valid ones for ${clientName('update_issue')}.`,
  input: z.strictObject({ ...RepoArgsShape, ...PageArgsShape }),
  output: z.object({ labels: z.array(z.object({ name: z.string(), color: z.string().nullable(), description: z.string().nullable() })), ...PageResultShape }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, ctx, deps: GithubDeps) => {
    const { owner, repo } = allowedRepo(args, deps);
    const response = await deps.github.request(ctx, 'GET /repos/{owner}/{repo}/labels', { owner, repo, ...pageParams(args, deps) });
    const labels = parseGithub(z.array(LabelSchema), response.data, 'the labels').map((l) => ({
      name: cleanLabel(l.name),
      color: l.color ?? null,
      description: l.description ? cleanLabel(l.description) : null,
    }));
    const next = nextCursor(response);
    return {
      structured: { labels, truncated: next !== undefined, ...(next && { next_cursor: next }) },
      text: labels.map((l) => `${l.name}${l.description ? ` — ${l.description}` : ''}`).join('\n') || 'No labels.',
    };
  },
});
