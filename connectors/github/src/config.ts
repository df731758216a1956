import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RepositoryPatternSchema } from './repo-allowlist';

const TokenAuthSchema = z.strictObject({
  kind: z.literal('token'),
  /** A personal access token or any bearer token GitHub accepts; set it with GITHUB_TOKEN rather than in a file. Never logged. */
  token: z.string().min(1),
});

const AppAuthSchema = z.strictObject({
  kind: z.literal('app'),
  appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]),
  /** The App's PEM private key (GITHUB_APP_PRIVATE_KEY, or GITHUB_APP_PRIVATE_KEY_FILE). Never logged. */
  privateKey: z.string().min(1),
  installationId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(Number),
});

const AuthSchema = z.discriminatedUnion('kind', [TokenAuthSchema, AppAuthSchema], {
  error: (issue) =>
    issue.input === undefined ? 'missing: set GITHUB_TOKEN, or GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY(_FILE) and GITHUB_APP_INSTALLATION_ID, or connectors.github.auth' : undefined,
});
export type GithubAuth = z.output<typeof AuthSchema>;

const IdempotencySchema = z.discriminatedUnion('kind', [
  /** Keys kept in this process: right for one replica only. */
  z.strictObject({ kind: z.literal('memory') }),
  /** Keys in Redis, shared by every replica (GITHUB_REDIS_URL). */
  z.strictObject({ kind: z.literal('redis'), url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL'), keyPrefix: z.string().min(1).default('mcphub:github:idem:') }),
]);

/** Hard cap of every list page: GitHub's own maximum `per_page`. */
export const MAX_PAGE_SIZE = 100;

/** Configuration of the GitHub connector. Unknown keys are errors, named by their path. */
export const GithubConfigSchema = z.strictObject({
  /** REST API root: `https://api.github.com`, `https://HOST/api/v3` for GitHub Enterprise Server, or a local fake. */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.github.com'),
  auth: AuthSchema,
  /**
   * Repositories the connector may touch: `owner/repo`, or `owner/*` for every repository of an
   * owner. Required and never empty: every call, and every search result, is checked against it.
   */
  repositories: z.array(RepositoryPatternSchema).min(1, 'list at least one repository (owner/repo or owner/*); the connector touches nothing else'),
  /** Default page of every list. Default 30, at most 100. */
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(30),
  /** Characters of one issue, pull request or comment body returned. Default 16384. */
  maxBodyChars: z.number().int().min(256).max(262_144).default(16_384),
  /** Bytes of a file returned inline by get_file_contents; a larger file is a resource link. Default 64 KiB. */
  maxFileBytes: z.number().int().min(1024).max(262_144).default(65_536),
  /** Bytes of a pull request diff returned. Default 64 KiB. */
  maxDiffBytes: z.number().int().min(1024).max(262_144).default(65_536),
  idempotency: IdempotencySchema.default({ kind: 'memory' }),
  /** Pacing GitHub asks of integrations; lower it only against a fake. */
  throttle: z
    .strictObject({
      /** Least time between two writes, in ms. Default 1000 (GitHub's guidance). */
      writeIntervalMs: z.number().int().min(0).max(60_000).default(1000),
      /** Least time between two searches, in ms. Default 2000 (the search API allows 30 a minute). */
      searchIntervalMs: z.number().int().min(0).max(60_000).default(2000),
      /** Milliseconds per second of a `Retry-After` and of the retry backoff. Default 1000; tests shrink time with it. */
      retryAfterUnitMs: z.number().int().min(1).max(1000).default(1000),
    })
    .prefault({}),
});
export type GithubConfig = z.output<typeof GithubConfigSchema>;

/**
 * Configuration from the environment: GITHUB_TOKEN, or GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY (or
 * GITHUB_APP_PRIVATE_KEY_FILE) + GITHUB_APP_INSTALLATION_ID; GITHUB_BASE_URL; GITHUB_REPOSITORIES
 * (comma-separated); GITHUB_REDIS_URL (idempotency keys shared by replicas). GITHUB_WRITE_MODE
 * and the other tool settings are read by the kit.
 */
export function githubConfigFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (env.GITHUB_TOKEN) config.auth = { kind: 'token', token: env.GITHUB_TOKEN };
  else if (env.GITHUB_APP_ID) {
    const privateKey = env.GITHUB_APP_PRIVATE_KEY || (env.GITHUB_APP_PRIVATE_KEY_FILE ? readFileSync(env.GITHUB_APP_PRIVATE_KEY_FILE, 'utf8') : undefined);
    config.auth = { kind: 'app', appId: env.GITHUB_APP_ID, privateKey, installationId: env.GITHUB_APP_INSTALLATION_ID };
  }
  if (env.GITHUB_BASE_URL) config.baseUrl = env.GITHUB_BASE_URL;
  if (env.GITHUB_REPOSITORIES) config.repositories = env.GITHUB_REPOSITORIES.split(',').map((r) => r.trim()).filter(Boolean);
  if (env.GITHUB_REDIS_URL) config.idempotency = { kind: 'redis', url: env.GITHUB_REDIS_URL };
  return config;
}

/** The embedded mode has no GitHub defaults: the connector needs an account, so it runs only when configured. */
export function githubEmbeddedConfig(): Record<string, unknown> {
  return {};
}
