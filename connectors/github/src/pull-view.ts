import { z } from 'zod';
import { fenceUntrusted } from '@mcp-hub/connector-kit';
import type { GithubPullRequest } from './github-schemas';
import { issueUri, textSource } from './github-uris';
import { UntrustedTextSchema, untrustedText } from './untrusted-body';

export const PullSummarySchema = z.object({
  repository: z.string(),
  number: z.number().int(),
  title: UntrustedTextSchema,
  state: z.string(),
  draft: z.boolean(),
  merged: z.boolean().nullable(),
  author: z.string().nullable(),
  head: z.string(),
  head_sha: z.string(),
  base: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  url: z.string(),
  uri: z.string().describe('The conversation as a resource of this connector.'),
});
export type PullSummary = z.infer<typeof PullSummarySchema>;

export function toPullSummary(pull: GithubPullRequest, owner: string, repo: string): PullSummary {
  return {
    repository: `${owner}/${repo}`,
    number: pull.number,
    title: untrustedText(textSource(owner, repo, 'pull', pull.number), pull.title, 1024),
    state: pull.state,
    draft: pull.draft ?? false,
    merged: pull.merged ?? null,
    author: pull.user?.login ?? null,
    head: pull.head.ref,
    head_sha: pull.head.sha,
    base: pull.base.ref,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    url: pull.html_url,
    uri: issueUri(owner, repo, pull.number),
  };
}

export function pullLine(pull: PullSummary): string {
  return `${pull.repository}#${pull.number} (${pull.merged ? 'merged' : pull.state}${pull.draft ? ', draft' : ''}) ${pull.head} → ${pull.base} by ${pull.author ?? 'ghost'}\n${fenceUntrusted(pull.title.source, pull.title.text)}`;
}
