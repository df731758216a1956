import type { Logger } from 'pino';
import type { BuiltConnector, ConnectorModule, ReplicaLink } from './connector-module';
import type { Redactor } from './redactor';
import { deepMerge } from './deep-merge';
import { TOOL_EXPOSURE_KEYS, ToolExposureSchema, exposeTools, type ToolExposure } from './tool-exposure';

/** The key of a `connectors.<id>` section naming the package to load (see `loadConnectorModule`); never passed to the connector's schema. */
export const MODULE_CONFIG_KEY = 'module';

/**
 * The key of a `connectors.<id>` section that the hub reads: what clients see before the
 * connector's tool and prompt names (`NamePrefixSchema`). Never passed to the connector's schema.
 */
export const PREFIX_CONFIG_KEY = 'prefix';

/**
 * Keys of a `connectors.<id>` section that belong to the host (CLI, hub, the kit's replica), not
 * to the connector. `signingKeyFile`: see `readManifestSigningKey` (written out here, not
 * imported, since that module imports this one).
 */
const HOST_KEYS: readonly string[] = [MODULE_CONFIG_KEY, PREFIX_CONFIG_KEY, 'signingKeyFile'];

/** A connector's configuration is invalid; the message names each bad key (`connectors.<id>.<key>`). */
export class ConnectorConfigError extends Error {
  override readonly name = 'ConnectorConfigError';
}

/** Where a connector's configuration comes from, in the order they are layered. */
export interface ConnectorConfigSources {
  /** The embedded mode starts from the module's demo defaults. */
  embedded: boolean;
  /** Where embedded state and demo data live. */
  dataDir: string;
  /** The `connectors.<id>` section of the configuration file. */
  fromFile?: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  /** The process's redactor (its logger masks what it knows); the connector's `secrets` are registered with it. */
  redactor?: Redactor;
}

/**
 * The configuration of a connector module, in layers: its embedded defaults (embedded mode
 * only), the file's section, the kit's environment variables (`<ID>_WRITE_MODE`,
 * `<ID>_TOOLSETS`, `<ID>_TOOLS_ALLOW`, `<ID>_TOOLS_DENY`), then the module's own. The kit's keys
 * (`writeMode`, `toolsets`, `tools`) are parsed here, `module` (which package to load) and
 * `prefix` (the names clients see) are the host's; the rest goes to the module's schema.
 * @throws ConnectorConfigError naming every bad key (at most five).
 */
export function resolveConnectorConfig<C, D>(module: ConnectorModule<C, D>, sources: ConnectorConfigSources): { settings: C; exposure: ToolExposure } {
  const base = sources.embedded ? module.embeddedConfig(sources.dataDir) : {};
  const merged = [sources.fromFile ?? {}, exposureFromEnv(module.id, sources.env), module.fromEnv(sources.env)].reduce(deepMerge, base);
  const own = Object.fromEntries(Object.entries(merged).filter(([key]) => !TOOL_EXPOSURE_KEYS.includes(key) && !HOST_KEYS.includes(key)));
  const kits = Object.fromEntries(Object.entries(merged).filter(([key]) => TOOL_EXPOSURE_KEYS.includes(key)));
  const prefix = `connectors.${module.id}`;
  const settings = module.configSchema.safeParse(own);
  const exposure = ToolExposureSchema.safeParse(kits);
  if (settings.success && exposure.success) return { settings: settings.data, exposure: exposure.data };
  const issues = [...(settings.error?.issues ?? []), ...(exposure.error?.issues ?? [])];
  const lines = issues.slice(0, 5).map((issue) => `  ${[prefix, ...issue.path.map(String)].join('.')}: ${issue.message}`);
  throw new ConnectorConfigError(`invalid configuration of connector ${module.id}:\n${lines.join('\n')}`);
}

/**
 * Resolves a module's configuration, creates the connector and keeps only the tools the
 * configuration exposes. What `create` opened is closed again when exposure fails.
 * @throws ConnectorConfigError for bad configuration or an unknown toolset or tool name.
 */
export async function buildConnector<C, D>(module: ConnectorModule<C, D>, sources: ConnectorConfigSources, logger: Logger): Promise<BuiltConnector<D>> {
  const { settings, exposure } = resolveConnectorConfig(module, sources);
  const built = await module.create(settings, logger);
  for (const secret of built.secrets ?? []) sources.redactor?.register(secret);
  try {
    const connector = exposeTools(built.connector, exposure);
    logger.info({ writeMode: exposure.writeMode, tools: [...connector.tools.keys()] }, 'connector tools exposed');
    const attach = built.attach?.bind(built);
    return {
      ...built,
      connector,
      ...(attach && {
        attach: (replica: ReplicaLink<D>) =>
          attach({
            update: (next) => {
              const exposed = exposeTools(next, exposure, { checkNames: false });
              logger.info({ tools: [...exposed.tools.keys()] }, 'connector tools exposed again');
              replica.update(exposed);
            },
            resourceUpdated: (uri) => replica.resourceUpdated(uri),
          }),
      }),
    };
  } catch (error) {
    await built.close();
    throw new ConnectorConfigError(`invalid configuration of connector ${module.id}: ${(error as Error).message}`);
  }
}

/** The kit's exposure keys from `<ID>_*` environment variables; anything unreadable is passed on for the schema to refuse. */
export function exposureFromEnv(id: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const prefix = id.toUpperCase();
  const list = (value: string | undefined) => (value ? value.split(',').map((item) => item.trim()).filter(Boolean) : undefined);
  return {
    writeMode: booleanFromEnv(env[`${prefix}_WRITE_MODE`]),
    toolsets: list(env[`${prefix}_TOOLSETS`]),
    tools: { allow: list(env[`${prefix}_TOOLS_ALLOW`]), deny: list(env[`${prefix}_TOOLS_DENY`]) },
  };
}

/** `true`/`false` (any case) from an environment variable; unset or empty is undefined; anything else is passed on for a schema to refuse. */
export function booleanFromEnv(value: string | undefined): boolean | string | undefined {
  const normalized = value?.trim().toLowerCase();
  if (normalized === undefined || normalized === '') return undefined;
  return normalized === 'true' ? true : normalized === 'false' ? false : value;
}
