import type { Logger } from 'pino';
import type { Bus } from '@mcp-hub/bus';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
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
  const module = builtInConnectors.get(id);
  if (!module) throw new ConfigError(`unknown connector "${id}"; built in: ${[...builtInConnectors.keys()].join(', ')}`);
  const base = options.embedded ? module.embeddedConfig(config.dataDir) : {};
  const fromFile = (config.connectors[id] ?? {}) as Record<string, unknown>;
  const merged = deepMerge(deepMerge(base, fromFile), module.fromEnv(options.env ?? process.env));
  const connectorConfig = parseOrExplain(module.configSchema, merged, `configuration of connector ${id}`, `connectors.${id}`);
  const built = await module.create(connectorConfig, logger.child({ connector: id }));
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
