import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HubConfigSchema, type HubConfig } from '@mcp-hub/hub';

/** Command-line flags that override the file and the environment. */
export interface ConfigFlags {
  config?: string;
  port?: string;
  host?: string;
  nats?: string;
  namespace?: string;
  dataDir?: string;
  logLevel?: string;
  maxConcurrency?: string;
  maxQueued?: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Loads the configuration: defaults, then the JSON file (`--config` or MCP_HUB_CONFIG), then the
 * environment (PORT, HOST, NATS_URL, NATS_USER, NATS_PASS, NATS_TOKEN, MCP_HUB_NAMESPACE, LOG_LEVEL,
 * MCP_HUB_DATA_DIR, MCP_HUB_MAX_CONCURRENCY, MCP_HUB_MAX_QUEUED, REDIS_URL: shared sessions in Redis), then flags.
 * @throws ConfigError naming the bad key (`http.port: ...`) or the unreadable file.
 */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): HubConfig {
  const file = flags.config ?? env.MCP_HUB_CONFIG;
  const raw = file ? readConfigFile(file) : {};
  const overlay = {
    http: { host: flags.host ?? env.HOST, port: numberOrText(flags.port ?? env.PORT) },
    nats: { url: flags.nats ?? env.NATS_URL, user: env.NATS_USER, pass: env.NATS_PASS, token: env.NATS_TOKEN },
    namespace: flags.namespace ?? env.MCP_HUB_NAMESPACE,
    log: { level: flags.logLevel ?? env.LOG_LEVEL },
    dataDir: flags.dataDir ?? env.MCP_HUB_DATA_DIR,
    replica: {
      maxConcurrency: numberOrText(flags.maxConcurrency ?? env.MCP_HUB_MAX_CONCURRENCY),
      maxQueued: numberOrText(flags.maxQueued ?? env.MCP_HUB_MAX_QUEUED),
    },
    sessions: env.REDIS_URL ? { store: 'redis', redisUrl: env.REDIS_URL } : undefined,
  };
  return parseOrExplain(HubConfigSchema, deepMerge(raw, overlay), file ? `configuration (${file})` : 'configuration');
}

/** Parses with a zod schema; the error names the first bad key, prefixed with `where`. */
export function parseOrExplain<T>(schema: z.ZodType<T>, value: unknown, where: string, keyPrefix = ''): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 5).map((issue) => {
    const key = [keyPrefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    return `  ${key}: ${issue.message}`;
  });
  throw new ConfigError(`invalid ${where}:\n${lines.join('\n')}`);
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read configuration file ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`configuration file ${file} is not a JSON object: ${(error as Error).message}`);
  }
}

function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** Merges plain objects; `undefined` in the overlay leaves the base alone; arrays are replaced. */
export function deepMerge(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === undefined) continue;
    const current = result[key];
    if (isPlainObject(value) && isPlainObject(current)) result[key] = deepMerge(current, value);
    else if (isPlainObject(value)) {
      const merged = deepMerge({}, value);
      if (Object.keys(merged).length > 0) result[key] = merged;
    } else result[key] = value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
