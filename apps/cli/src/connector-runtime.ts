import type { Logger } from 'pino';
import type { Bus } from '@mcp-hub/bus';
import { runConnector, type ConnectorModule, type ConnectorService } from '@mcp-hub/connector-kit';
import type { HubConfig } from '@mcp-hub/hub';
import { builtInConnectors } from './built-in-connectors';
import { ConfigError, deepMerge, parseOrExplain } from './config-loader';

export interface RunningConnector {
  id: string;
  service: ConnectorService<unknown>;
  /** Drains the replica, then closes what the connector opened. */
  stop(): Promise<void>;
}

/**
 * Builds one built-in connector from the configuration and starts a replica on `bus`. In the
 * embedded mode the connector's demo defaults come first; the file's `connectors.<id>` section
 * and the connector's environment variables override them.
 */
export async function startConnector(
  id: string,
  config: HubConfig,
  bus: Bus,
  logger: Logger,
  options: { embedded: boolean; env?: NodeJS.ProcessEnv },
): Promise<RunningConnector> {
  const module = builtInModule(id);
  const settings = connectorConfig(id, config, options);
  const built = await module.create(settings, logger.child({ connector: id }));
  const service = await runConnector(built.connector, { bus, deps: built.deps, logger, namespace: config.namespace, ...config.replica });
  return {
    id,
    service,
    stop: async () => {
      await service.stop();
      await built.close();
    },
  };
}

/** The built-in connector `id`. @throws ConfigError naming the built-in ids. */
export function builtInModule(id: string): ConnectorModule<unknown, unknown> {
  const module = builtInConnectors.get(id);
  if (!module) throw new ConfigError(`unknown connector "${id}"; built in: ${[...builtInConnectors.keys()].join(', ')}`);
  return module;
}

/**
 * The configuration of connector `id`: its embedded demo defaults (embedded mode only), then the
 * file's `connectors.<id>` section, then the connector's environment variables.
 * @throws ConfigError naming the bad key, and the environment variables the connector reads
 *   when a setting is missing.
 */
export function connectorConfig(id: string, config: HubConfig, options: { embedded: boolean; env?: NodeJS.ProcessEnv }): unknown {
  const module = builtInModule(id);
  const base = options.embedded ? module.embeddedConfig(config.dataDir) : {};
  const fromFile = (config.connectors[id] ?? {}) as Record<string, unknown>;
  const merged = deepMerge(deepMerge(base, fromFile), module.fromEnv(options.env ?? process.env));
  return parseOrExplain(module.configSchema, merged, `configuration of connector ${id}`, `connectors.${id}`);
}
