import path from 'node:path';
import {
  CONNECTOR_PROCESS_KEY_SOURCES,
  ConnectorConfigError,
  booleanFromEnv,
  connectorProcessOverlay,
  deepMerge,
  isPlainObject,
  parseConfigOrExplain,
  readConfigFile,
  withoutEmpty,
  numberOrText,
  type ConnectorProcessFlags,
} from '@mcp-hub/connector-kit';
import { CliConfigSchema, type CliConfig } from './cli-config';
import { defaultDataDir } from './default-data-dir';

/** Command-line flags that override the file and the environment. */
export interface ConfigFlags extends ConnectorProcessFlags {
  port?: string;
  host?: string;
  dataDir?: string;
  insecureNoAuth?: boolean;
}

/** The flag and environment variable that set a configuration key, named in error messages. */
const SOURCES_OF_KEY: Record<string, string> = {
  ...CONNECTOR_PROCESS_KEY_SOURCES,
  'http.port': '--port or PORT',
  'http.host': '--host or HOST',
  dataDir: '--data-dir or MCP_HUB_DATA_DIR',
  'sessions.redisUrl': 'REDIS_URL',
  'pinning.postgresUrl': 'MCP_HUB_PINNING_POSTGRES_URL',
  'approvals.postgresUrl': 'MCP_HUB_APPROVALS_POSTGRES_URL',
  'audit.postgresUrl': 'MCP_HUB_AUDIT_POSTGRES_URL',
  'admin.token': 'MCP_HUB_ADMIN_TOKEN',
  'auth.hubTokens.keyFile': 'MCP_HUB_TOKEN_KEY_FILE',
  'assertions.signingKeyFile': 'MCP_HUB_ASSERTION_SIGNING_KEY_FILE',
  'signedManifests.keys': 'MCP_HUB_CONNECTOR_KEYS (id=path,id=path)',
  'signedManifests.required': 'MCP_HUB_REQUIRE_SIGNED_MANIFESTS',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Loads the configuration: defaults, then the JSON file (`--config` or MCP_HUB_CONFIG), then the
 * environment (PORT, HOST, NATS_URL, NATS_USER, NATS_PASS, NATS_TOKEN, MCP_HUB_NAMESPACE, LOG_LEVEL,
 * MCP_HUB_DATA_DIR, MCP_HUB_MAX_CONCURRENCY, MCP_HUB_MAX_QUEUED, MCP_HUB_WAIT_FOR_BUS, REDIS_URL:
 * shared sessions and revocations in Redis, MCP_HUB_TOKEN_KEY_FILE, MCP_HUB_ASSERTION_SIGNING_KEY_FILE,
 * MCP_HUB_ASSERTION_PUBLIC_KEY_FILE, MCP_HUB_ADMIN_TOKEN, MCP_HUB_PINNING_POSTGRES_URL, MCP_HUB_APPROVALS_POSTGRES_URL,
 * MCP_HUB_AUDIT_POSTGRES_URL, MCP_HUB_CONNECTOR_KEYS, MCP_HUB_REQUIRE_SIGNED_MANIFESTS), then flags. Without a data directory from any of them, the
 * per-user one of {@link defaultDataDir}. An empty variable counts as unset.
 * @throws ConfigError naming the bad key and the flag or variable that sets it
 *   (`http.port (--port or PORT): ...`), or the unreadable or malformed file.
 */
export function loadConfig(flags: ConfigFlags, processEnv: NodeJS.ProcessEnv = process.env): CliConfig {
  const env = withoutEmpty(processEnv);
  const file = flags.config ?? env.MCP_HUB_CONFIG;
  try {
    const raw = file ? withModulePathsFrom(path.dirname(path.resolve(file)), readConfigFile(file)) : {};
    const connectorOverlay = connectorProcessOverlay(flags, env);
    const overlay = {
      ...connectorOverlay,
      http: { host: flags.host ?? env.HOST, port: numberOrText(flags.port ?? env.PORT) },
      dataDir: flags.dataDir ?? env.MCP_HUB_DATA_DIR ?? (raw.dataDir === undefined ? defaultDataDir(env) : undefined),
      sessions: env.REDIS_URL ? { store: 'redis', redisUrl: env.REDIS_URL } : undefined,
      admin: { token: env.MCP_HUB_ADMIN_TOKEN },
      pinning: { postgresUrl: env.MCP_HUB_PINNING_POSTGRES_URL },
      approvals: { postgresUrl: env.MCP_HUB_APPROVALS_POSTGRES_URL },
      audit: { postgresUrl: env.MCP_HUB_AUDIT_POSTGRES_URL },
      auth: {
        insecureNoAuth: flags.insecureNoAuth,
        hubTokens: env.MCP_HUB_TOKEN_KEY_FILE ? { keyFile: env.MCP_HUB_TOKEN_KEY_FILE } : undefined,
      },
      assertions: { ...(connectorOverlay.assertions as object), signingKeyFile: env.MCP_HUB_ASSERTION_SIGNING_KEY_FILE },
      signedManifests: { keys: connectorKeysFromEnv(env.MCP_HUB_CONNECTOR_KEYS), required: booleanFromEnv(env.MCP_HUB_REQUIRE_SIGNED_MANIFESTS) },
    };
    return parseConfigOrExplain(CliConfigSchema, deepMerge(raw, overlay), file ? `configuration (${file})` : 'configuration', SOURCES_OF_KEY);
  } catch (error) {
    if (error instanceof ConnectorConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

/**
 * `MCP_HUB_CONNECTOR_KEYS`: `id=path` pairs separated by commas, merged over the file's
 * `signedManifests.keys`. An entry without `=` is passed on under its text for the schema to
 * refuse (it is no connector id).
 */
function connectorKeysFromEnv(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  return Object.fromEntries(entries.map((entry) => {
    const at = entry.indexOf('=');
    return at < 0 ? [entry, ''] : [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
  }));
}

/**
 * The file's `connectors.<id>.module` paths (`./…`, `../…`) made absolute against the file's
 * folder, so that a configuration means the same whatever the working directory.
 */
function withModulePathsFrom(dir: string, raw: Record<string, unknown>): Record<string, unknown> {
  if (!isPlainObject(raw.connectors)) return raw;
  const connectors = Object.fromEntries(
    Object.entries(raw.connectors).map(([id, section]) => {
      if (!isPlainObject(section) || typeof section.module !== 'string' || !/^\.\.?\//.test(section.module)) return [id, section];
      return [id, { ...section, module: path.resolve(dir, section.module) }];
    }),
  );
  return { ...raw, connectors };
}
