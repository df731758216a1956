import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Bus } from '@mcp-hub/bus';
import {
  ConnectorConfigError,
  MODULE_CONFIG_KEY,
  buildConnector,
  isPlainObject,
  loadConnectorModule,
  resolveConnectorConfig,
  startConnector as startConnectorModule,
  type ConnectorConfigSources,
  type BuiltConnector,
  type ConnectorModule,
  type Redactor,
  type RunningConnector,
} from '@mcp-hub/connector-kit';
import type { CliConfig } from './cli-config';
import { builtInConnectors } from './built-in-connectors';
import { ConfigError } from './config-loader';

export type { RunningConnector } from '@mcp-hub/connector-kit';

interface RunOptions {
  embedded: boolean;
  env?: NodeJS.ProcessEnv;
  /** The process's redactor: the connector's secrets are registered with it. */
  redactor?: Redactor;
  /** The hub's assertion keys: the replica verifies every request's principal with them. */
  assertionKeys?: readonly KeyObject[];
}

/**
 * The package `connectors.<id>.module` names, if any: a connector that is not built in (a
 * plugin), or a built-in one replaced by another package.
 */
export function moduleSpecifier(id: string, config: CliConfig): string | undefined {
  const section = config.connectors[id];
  return isPlainObject(section) && typeof section[MODULE_CONFIG_KEY] === 'string' ? section[MODULE_CONFIG_KEY] : undefined;
}

/** Ids of the connectors whose configuration names a package to load. */
export function pluginIds(config: CliConfig): string[] {
  return Object.keys(config.connectors).filter((id) => moduleSpecifier(id, config) !== undefined);
}

/**
 * The module of connector `id`: the package its configuration names (by package name, looked up
 * from the working directory, or by path, made absolute against the configuration file's folder
 * when it was read), else the built-in one.
 * @throws ConnectorModuleError naming a module that cannot be used; ConfigError for an id that is
 *   neither built in nor configured with a module.
 */
export function connectorModuleFor(id: string, config: CliConfig): ConnectorModule<unknown, unknown> {
  const specifier = moduleSpecifier(id, config);
  if (specifier !== undefined) return loadConnectorModule(specifier, { id });
  const module = builtInConnectors.get(id);
  if (!module) {
    throw new ConfigError(`unknown connector "${id}"; built in: ${[...builtInConnectors.keys()].join(', ')}; for another, name its package with connectors.${id}.${MODULE_CONFIG_KEY}`);
  }
  return module;
}

/**
 * Checks the configuration of a connector (the kit layers its embedded defaults, the file's
 * `connectors.<id>` section and its environment variables), before anything waits or starts.
 * @throws ConfigError naming the bad key, and the environment variables the connector reads
 *   when a setting is missing.
 */
export function checkConnectorConfig(module: ConnectorModule<unknown, unknown>, config: CliConfig, options: RunOptions): void {
  try {
    resolveConnectorConfig(module, sources(module.id, config, options));
  } catch (error) {
    throw asConfigError(error);
  }
}

/**
 * Builds a connector from the configuration and starts a replica on `bus`. In the embedded mode
 * the connector's demo defaults come first; the file's `connectors.<id>` section and the
 * connector's environment variables override them.
 */
export async function startConnector(module: ConnectorModule<unknown, unknown>, config: CliConfig, bus: Bus, logger: Logger, options: RunOptions): Promise<RunningConnector> {
  try {
    return await startConnectorModule(module, {
      sources: sources(module.id, config, options),
      bus,
      logger,
      namespace: config.namespace,
      // The embedded hub's own /metrics covers its connectors: no replica port (several would clash).
      replica: options.embedded ? { ...config.replica, metricsPort: undefined } : config.replica,
      assertionKeys: options.assertionKeys,
      // Embedded, the hub's in-process runner calls job tools over the bus: no BullMQ worker.
      ...(!options.embedded && { jobs: config.jobs }),
    });
  } catch (error) {
    throw asConfigError(error);
  }
}

/**
 * Builds a connector from the configuration without starting a replica: what `mcp-hub doctor`
 * uses to check that its configuration is valid and its upstreams answer. The caller closes it.
 */
export async function buildConfiguredConnector(module: ConnectorModule<unknown, unknown>, config: CliConfig, logger: Logger, options: RunOptions): Promise<BuiltConnector<unknown>> {
  try {
    return await buildConnector(module, sources(module.id, config, options), logger);
  } catch (error) {
    throw asConfigError(error);
  }
}

function sources(id: string, config: CliConfig, options: RunOptions): ConnectorConfigSources {
  return {
    embedded: options.embedded,
    dataDir: config.dataDir,
    fromFile: config.connectors[id] as Record<string, unknown> | undefined,
    env: options.env ?? process.env,
    redactor: options.redactor,
  };
}

/** The kit's configuration error as the CLI's (whose message the command prints as is); anything else unchanged. */
function asConfigError(error: unknown): unknown {
  return error instanceof ConnectorConfigError ? new ConfigError(error.message) : error;
}
