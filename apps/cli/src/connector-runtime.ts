import type { Logger } from 'pino';
import type { Bus } from '@mcp-hub/bus';
import {
  ConnectorConfigError,
  buildConnector,
  resolveConnectorConfig,
  runConnector,
  type ConnectorConfigSources,
  type ConnectorModule,
  type ConnectorService,
  type Redactor,
} from '@mcp-hub/connector-kit';
import type { HubConfig } from '@mcp-hub/hub';
import { builtInConnectors } from './built-in-connectors';
import { ConfigError } from './config-loader';

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
  options: { embedded: boolean; env?: NodeJS.ProcessEnv; redactor?: Redactor },
): Promise<RunningConnector> {
  const built = await asConfigError(() => buildConnector(builtInModule(id), sources(id, config, options), logger.child({ connector: id })));
  const service = await runConnector(built.connector, { bus, deps: built.deps, logger, namespace: config.namespace, redactor: options.redactor, ...config.replica });
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
 * Checks the configuration of connector `id` (the kit layers its embedded defaults, the file's
 * `connectors.<id>` section and its environment variables), before anything waits or starts.
 * @throws ConfigError naming the bad key, and the environment variables the connector reads
 *   when a setting is missing.
 */
export function connectorConfig(id: string, config: HubConfig, options: { embedded: boolean; env?: NodeJS.ProcessEnv }): void {
  const module = builtInModule(id);
  try {
    resolveConnectorConfig(module, sources(id, config, options));
  } catch (error) {
    if (error instanceof ConnectorConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

function sources(id: string, config: HubConfig, options: { embedded: boolean; env?: NodeJS.ProcessEnv; redactor?: Redactor }): ConnectorConfigSources {
  return {
    embedded: options.embedded,
    dataDir: config.dataDir,
    fromFile: config.connectors[id] as Record<string, unknown> | undefined,
    env: options.env ?? process.env,
    redactor: options.redactor,
  };
}

async function asConfigError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ConnectorConfigError) throw new ConfigError(error.message);
    throw error;
  }
}
