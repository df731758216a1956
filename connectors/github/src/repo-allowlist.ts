import { z } from 'zod';
import { ToolError } from '@mcp-hub/connector-kit';

/** GitHub's owner names: letters, digits and single hyphens, at most 39 characters. */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** GitHub's repository names: letters, digits, `.`, `_`, `-`; never `.` or `..`. */
const REPO = /^(?!\.\.?$)[\w.-]{1,100}$/;

export const OwnerSchema = z.string().regex(OWNER, 'a GitHub user or organisation name').describe('Repository owner (user or organisation).');
export const RepoNameSchema = z.string().regex(REPO, 'a GitHub repository name').describe('Repository name.');

/** `owner/repo` or `owner/*`, as the configuration lists them. */
export const RepositoryPatternSchema = z.string().refine((value) => {
  const [owner, repo, ...rest] = value.split('/');
  return rest.length === 0 && OWNER.test(owner ?? '') && (repo === '*' || REPO.test(repo ?? ''));
}, 'owner/repo or owner/*');

/**
 * The repositories the connector may touch. GitHub compares names without case, and so does
 * this. A repository outside the list is refused before any request leaves, and search results
 * are filtered through it, so a model that read an issue telling it to fetch another repository
 * cannot reach one the operator did not list.
 */
export class RepoAllowlist {
  private readonly repos = new Set<string>();
  private readonly owners = new Set<string>();

  constructor(patterns: readonly string[]) {
    for (const pattern of patterns) {
      const [owner, repo] = pattern.toLowerCase().split('/') as [string, string];
      if (repo === '*') this.owners.add(owner);
      else this.repos.add(`${owner}/${repo}`);
    }
  }

  allows(owner: string, repo: string): boolean {
    return this.owners.has(owner.toLowerCase()) || this.repos.has(`${owner}/${repo}`.toLowerCase());
  }

  /** `full_name` (`owner/repo`) is allowed. */
  allowsFullName(fullName: string): boolean {
    const [owner, repo, ...rest] = fullName.split('/');
    return rest.length === 0 && owner !== undefined && repo !== undefined && this.allows(owner, repo);
  }

  /** @throws ToolError `forbidden` for a repository outside the list. */
  check(owner: string, repo: string): void {
    if (!this.allows(owner, repo)) {
      throw new ToolError('forbidden', `The repository ${owner}/${repo} is not in this connector's allowlist. Only these may be used: ${this.describe()}.`);
    }
  }

  /** The list as a search qualifier (`repo:a/b user:c`), so GitHub searches nothing else. */
  searchQualifiers(): string {
    return [...[...this.repos].map((r) => `repo:${r}`), ...[...this.owners].map((o) => `user:${o}`)].join(' ');
  }

  describe(): string {
    return [...this.repos, ...[...this.owners].map((o) => `${o}/*`)].join(', ');
  }
}
