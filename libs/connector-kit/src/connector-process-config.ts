import { z } from 'zod';
import { DEFAULT_NAMESPACE, NamespaceSchema } from '@mcp-hub/connector-contract';
import { NatsSettingsSchema } from '@mcp-hub/bus';
import { ConnectorConfigError } from './connector-config';
import { deepMerge } from './deep-merge';
import { readConfigFile } from './read-config-file';
import { ReplicaSettingsSchema } from './replica-settings';
import { JobSettingsSchema } from './job-settings';

export const LogLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * What a connector process reads of the configuration file the hub reads too: the bus, the
 * namespace, how its replica runs, its log level and the `connectors.<id>` sections. The hub's
 * own sections (`http`, `sessions`, …) are ignored here; each section read is strict.
 */
export const ConnectorProcessConfigSchema = z.object({
  nats: NatsSettingsSchema,
  /** The deployment namespace: the first token of every NATS subject (see `Subjects`). */
  namespace: NamespaceSchema.default(DEFAULT_NAMESPACE),
  replica: ReplicaSettingsSchema,
  /** Long-running tools on BullMQ: the replica runs a worker for its job tools when `redisUrl` is set. */
  jobs: JobSettingsSchema,
  log: z.strictObject({ level: LogLevelSchema.optional() }).prefault({}),
  /**
   * The hub's principal assertions: `publicKeyFile` holds the hub's Ed25519 public key(s) (SPKI
   * PEM), and every request must then carry an assertion signed by one of them. Other keys of the
   * section are the hub's own (its signing key), ignored here.
   */
  assertions: z.looseObject({ publicKeyFile: z.string().min(1).optional() }).prefault({}),
  /** Per-connector configuration, validated by each connector's own schema. */
  connectors: z.record(z.string(), z.unknown()).default({}),
});
export type ConnectorProcessConfig = z.output<typeof ConnectorProcessConfigSchema>;

/** Command-line flags of a connector process (`mcp-hub connector <id>`, or a connector package's own main). */
export interface ConnectorProcessFlags {
  config?: string;
  nats?: string;
  namespace?: string;
  waitForBus?: string;
  logLevel?: string;
  maxConcurrency?: string;
  maxQueued?: string;
  metricsPort?: string;
}

/** The flag and environment variable that set each key a connector process reads, named in error messages. */
export const CONNECTOR_PROCESS_KEY_SOURCES: Readonly<Record<string, string>> = {
  'nats.url': '--nats or NATS_URL',
  'nats.waitSeconds': '--wait-for-bus or MCP_HUB_WAIT_FOR_BUS',
  namespace: '--namespace or MCP_HUB_NAMESPACE',
  'log.level': '--log-level or LOG_LEVEL',
  'replica.maxConcurrency': '--max-concurrency or MCP_HUB_MAX_CONCURRENCY',
  'replica.maxQueued': '--max-queued or MCP_HUB_MAX_QUEUED',
  'replica.metricsPort': '--metrics-port or MCP_HUB_METRICS_PORT',
  'replica.metricsHost': 'MCP_HUB_METRICS_HOST',
  'assertions.publicKeyFile': 'MCP_HUB_ASSERTION_PUBLIC_KEY_FILE',
  'jobs.redisUrl': 'REDIS_URL',
};

/**
 * The keys a connector process takes from flags and the environment (NATS_URL, NATS_USER,
 * NATS_PASS, NATS_TOKEN, NATS_CREDS_FILE, NATS_NKEY_SEED_FILE, MCP_HUB_WAIT_FOR_BUS, MCP_HUB_NAMESPACE, LOG_LEVEL,
 * MCP_HUB_MAX_CONCURRENCY, MCP_HUB_MAX_QUEUED, MCP_HUB_METRICS_PORT, MCP_HUB_METRICS_HOST,
 * MCP_HUB_ASSERTION_PUBLIC_KEY_FILE, REDIS_URL), to be merged over the file. A flag wins over its
 * variable; an empty variable counts as unset; digits become numbers, anything else is passed on
 * for the schema to refuse.
 */
export function connectorProcessOverlay(flags: ConnectorProcessFlags, processEnv: NodeJS.ProcessEnv): Record<string, unknown> {
  const env = withoutEmpty(processEnv);
  return {
    nats: {
      url: flags.nats ?? env.NATS_URL,
      user: env.NATS_USER,
      pass: env.NATS_PASS,
      token: env.NATS_TOKEN,
      credsFile: env.NATS_CREDS_FILE,
      nkeySeedFile: env.NATS_NKEY_SEED_FILE,
      waitSeconds: numberOrText(flags.waitForBus ?? env.MCP_HUB_WAIT_FOR_BUS),
    },
    namespace: flags.namespace ?? env.MCP_HUB_NAMESPACE,
    log: { level: flags.logLevel ?? env.LOG_LEVEL },
    replica: {
      maxConcurrency: numberOrText(flags.maxConcurrency ?? env.MCP_HUB_MAX_CONCURRENCY),
      maxQueued: numberOrText(flags.maxQueued ?? env.MCP_HUB_MAX_QUEUED),
      metricsPort: numberOrText(flags.metricsPort ?? env.MCP_HUB_METRICS_PORT),
      metricsHost: env.MCP_HUB_METRICS_HOST,
    },
    assertions: { publicKeyFile: env.MCP_HUB_ASSERTION_PUBLIC_KEY_FILE },
    jobs: { redisUrl: env.REDIS_URL },
  };
}

/**
 * A connector process's configuration, read the way `mcp-hub connector <id>` reads it: the JSON
 * file (`--config` or MCP_HUB_CONFIG), then the environment, then flags.
 * @throws ConnectorConfigError naming the bad key and the flag or variable that sets it, or the
 *   unreadable or malformed file.
 */
export function loadConnectorProcessConfig(flags: ConnectorProcessFlags, processEnv: NodeJS.ProcessEnv = process.env): ConnectorProcessConfig {
  const file = flags.config ?? withoutEmpty(processEnv).MCP_HUB_CONFIG;
  const raw = file ? readConfigFile(file) : {};
  return parseConfigOrExplain(ConnectorProcessConfigSchema, deepMerge(raw, connectorProcessOverlay(flags, processEnv)), file ? `configuration (${file})` : 'configuration', CONNECTOR_PROCESS_KEY_SOURCES);
}

/**
 * Parses with a zod schema.
 * @throws ConnectorConfigError `invalid <where>:` then, for each bad key (at most five), the key,
 *   the flag or variable in `sources` that sets it, and what is wrong.
 */
export function parseConfigOrExplain<T>(schema: z.ZodType<T>, value: unknown, where: string, sources: Readonly<Record<string, string>>): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 5).map((issue) => {
    const key = issue.path.map(String).join('.') || '(root)';
    const source = sources[key];
    return `  ${key}${source ? ` (${source})` : ''}: ${issue.message}`;
  });
  throw new ConnectorConfigError(`invalid ${where}:\n${lines.join('\n')}`);
}

/** An empty variable (`PORT=`) means unset, as shells and compose files write it. */
export function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')) as NodeJS.ProcessEnv;
}

/** Digits as a number; anything else passed on for a schema to refuse. */
export function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}
