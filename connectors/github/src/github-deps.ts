import type { IdempotencyStore } from '@mcp-hub/connector-kit';
import type { GithubApi } from './github-api';
import type { RepoAllowlist } from './repo-allowlist';

/** What the GitHub tools, resources and prompts need; built once by the module's `create`. */
export interface GithubDeps {
  github: GithubApi;
  allowlist: RepoAllowlist;
  idempotency: IdempotencyStore;
  limits: {
    /** Default page size of every list. */
    pageSize: number;
    maxBodyChars: number;
    maxFileBytes: number;
    maxDiffBytes: number;
  };
}
