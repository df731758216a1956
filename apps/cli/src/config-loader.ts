import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { deepMerge } from '@mcp-hub/connector-kit';
import { HubConfigSchema, type HubConfig } from '@mcp-hub/hub';
import { defaultDataDir } from './default-data-dir';

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
  waitForBus?: string;
}

/** The flag and environment variable that set a configuration key, named in error messages. */
const SOURCES_OF_KEY: Record<string, string> = {
  'http.port': '--port or PORT',
  'http.host': '--host or HOST',
  'nats.url': '--nats or NATS_URL',
  'nats.waitSeconds': '--wait-for-bus or MCP_HUB_WAIT_FOR_BUS',
  namespace: '--namespace or MCP_HUB_NAMESPACE',
  'log.level': '--log-level or LOG_LEVEL',
  dataDir: '--data-dir or MCP_HUB_DATA_DIR',
  'replica.maxConcurrency': '--max-concurrency or MCP_HUB_MAX_CONCURRENCY',
  'replica.maxQueued': '--max-queued or MCP_HUB_MAX_QUEUED',
  'sessions.redisUrl': 'REDIS_URL',
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Loads the configuration: defaults, then the JSON file (`--config` or MCP_HUB_CONFIG), then the
 * environment (PORT, HOST, NATS_URL, NATS_USER, NATS_PASS, NATS_TOKEN, MCP_HUB_NAMESPACE, LOG_LEVEL,
 * MCP_HUB_DATA_DIR, MCP_HUB_MAX_CONCURRENCY, MCP_HUB_MAX_QUEUED, MCP_HUB_WAIT_FOR_BUS, REDIS_URL:
 * shared sessions in Redis), then flags. Without a data directory from any of them, the
 * per-user one of {@link defaultDataDir}. An empty variable counts as unset.
 * @throws ConfigError naming the bad key and the flag or variable that sets it
 *   (`http.port (--port or PORT): ...`), or the unreadable or malformed file.
 */
export function loadConfig(flags: ConfigFlags, processEnv: NodeJS.ProcessEnv = process.env): HubConfig {
  // An empty variable (`PORT=`) means unset, as shells and compose files write it.
  const env = Object.fromEntries(Object.entries(processEnv).filter(([, value]) => value !== '')) as NodeJS.ProcessEnv;
  const file = flags.config ?? env.MCP_HUB_CONFIG;
  const raw = file ? readConfigFile(file) : {};
  const overlay = {
    http: { host: flags.host ?? env.HOST, port: numberOrText(flags.port ?? env.PORT) },
    nats: {
      url: flags.nats ?? env.NATS_URL,
      user: env.NATS_USER,
      pass: env.NATS_PASS,
      token: env.NATS_TOKEN,
      waitSeconds: numberOrText(flags.waitForBus ?? env.MCP_HUB_WAIT_FOR_BUS),
    },
    namespace: flags.namespace ?? env.MCP_HUB_NAMESPACE,
    log: { level: flags.logLevel ?? env.LOG_LEVEL },
    dataDir: flags.dataDir ?? env.MCP_HUB_DATA_DIR ?? (raw.dataDir === undefined ? defaultDataDir(env) : undefined),
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
    const source = SOURCES_OF_KEY[key];
    return `  ${key}${source ? ` (${source})` : ''}: ${issue.message}`;
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`configuration file ${file} is not valid JSON: ${withLineAndColumn((error as Error).message, text)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`configuration file ${file} must hold a JSON object ({ ... }), not ${Array.isArray(value) ? 'an array' : String(value === null ? 'null' : typeof value)}`);
  }
  return value as Record<string, unknown>;
}

/** Adds the line and column to a JSON.parse message that only gives a character position. */
function withLineAndColumn(message: string, text: string): string {
  const position = /at position (\d+)/.exec(message);
  if (!position || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}
