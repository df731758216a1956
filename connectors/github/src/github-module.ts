import { Redis } from 'ioredis';
import { InMemoryIdempotencyStore, Redactor, RedisIdempotencyStore, defineConnectorModule, type IdempotencyStore } from '@mcp-hub/connector-kit';
import { GITHUB_ID } from './client-name';
import { GithubConfigSchema, githubConfigFromEnv, githubEmbeddedConfig, type GithubConfig } from './config';
import { githubConnector } from './connector';
import type { GithubDeps } from './github-deps';
import { OctokitGithubApi } from './octokit-github-api';
import { RepoAllowlist } from './repo-allowlist';

/**
 * The GitHub connector as the CLI runs it: `mcp-hub connector github`, or inside the embedded
 * hub when configured. `create` builds the Octokit client (no request yet: a wrong token shows
 * at the first call as `unauthorized`) and the idempotency store.
 */
export const githubModule = defineConnectorModule<GithubConfig, GithubDeps>({
  id: GITHUB_ID,
  configSchema: GithubConfigSchema,
  fromEnv: githubConfigFromEnv,
  embeddedConfig: githubEmbeddedConfig,
  async create(config, logger) {
    const secrets = config.auth.kind === 'token' ? [config.auth.token] : [config.auth.privateKey];
    const redactor = new Redactor(secrets);
    const github = await OctokitGithubApi.create(config, redactor);
    let store: IdempotencyStore = new InMemoryIdempotencyStore();
    let redis: Redis | undefined;
    if (config.idempotency.kind === 'redis') {
      redis = new Redis(config.idempotency.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
      await redis.connect();
      store = new RedisIdempotencyStore({ redis, prefix: config.idempotency.keyPrefix });
    } else {
      logger.warn('idempotency keys of writes are kept in this replica only: set GITHUB_REDIS_URL when running several replicas');
    }
    logger.info({ baseUrl: config.baseUrl, auth: config.auth.kind, repositories: config.repositories }, 'github connector ready');
    const deps: GithubDeps = {
      github,
      allowlist: new RepoAllowlist(config.repositories),
      idempotency: store,
      limits: { pageSize: config.pageSize, maxBodyChars: config.maxBodyChars, maxFileBytes: config.maxFileBytes, maxDiffBytes: config.maxDiffBytes },
    };
    return {
      connector: githubConnector,
      deps,
      secrets: [...secrets, ...(config.idempotency.kind === 'redis' ? [config.idempotency.url] : [])],
      close: async () => {
        redis?.disconnect();
      },
    };
  },
});
