import { z } from 'zod';
import { cleanUntrustedText } from '@mcp-hub/connector-kit';
import type { GithubRepository } from './github-schemas';

export const RepositoryViewSchema = z.object({
  full_name: z.string(),
  private: z.boolean(),
  description: z.string().nullable().describe('Written by the repository owner: untrusted text, cleaned.'),
  default_branch: z.string().nullable(),
  stars: z.number().int().nullable(),
  open_issues: z.number().int().nullable(),
  archived: z.boolean(),
  language: z.string().nullable(),
  url: z.string(),
});
export type RepositoryView = z.infer<typeof RepositoryViewSchema>;

export function toRepositoryView(repo: GithubRepository): RepositoryView {
  return {
    full_name: repo.full_name,
    private: repo.private,
    description: repo.description ? cleanUntrustedText(repo.description, { maxChars: 500 }) : null,
    default_branch: repo.default_branch ?? null,
    stars: repo.stargazers_count ?? null,
    open_issues: repo.open_issues_count ?? null,
    archived: repo.archived ?? false,
    language: repo.language ?? null,
    url: repo.html_url,
  };
}

export function repositoryLine(repo: RepositoryView): string {
  return `${repo.full_name}${repo.private ? ' (private)' : ''}${repo.archived ? ' (archived)' : ''}, default branch ${repo.default_branch ?? '?'}, ${repo.stars ?? 0} stars, ${repo.open_issues ?? 0} open issues${repo.description ? ` — ${repo.description}` : ''}`;
}
