import { ConnectorIdSchema } from '@mcp-hub/connector-contract';
import type { ConnectorModule } from './connector-module';
import { MODULE_CONFIG_KEY } from './connector-config';
import { Redactor } from './redactor';

/** The export a connector package's entry point gives its {@link ConnectorModule} under. */
export const CONNECTOR_MODULE_EXPORT = 'connectorModule';

/**
 * The export of a package that serves any connector id (`(id) => ConnectorModule`): a bridge to
 * an existing MCP server is one connector per upstream, each under the id its configuration gives.
 */
export const CONNECTOR_MODULE_FACTORY_EXPORT = 'connectorModuleFor';

/** A connector module named in configuration cannot be used; the message names the module and what is wrong. */
export class ConnectorModuleError extends Error {
  override readonly name = 'ConnectorModuleError';
}

export interface LoadConnectorModuleOptions {
  /** The id the configuration gives it (`connectors.<id>`): the module's own id must be the same. */
  id: string;
  /** Where a package name is looked up (each folder's node_modules, then its parents'). Default: the working directory. */
  paths?: string[];
}

/**
 * Loads the connector module of a package named by `specifier`: a package name
 * (`@acme/mcp-connector-tickets`) or an absolute path to a package folder or file. The package's
 * entry point exports it as `connectorModule` (a {@link ConnectorModule}, e.g. from
 * `defineConnectorModule`), or exports `connectorModuleFor(id)`, which makes one for the id the
 * configuration gives.
 * @throws ConnectorModuleError naming the module and what is missing: not found, failed to load,
 *   no `connectorModule` export, not shaped like a ConnectorModule, or another connector id.
 */
export function loadConnectorModule(specifier: string, options: LoadConnectorModuleOptions): ConnectorModule<unknown, unknown> {
  const name = `connector module "${specifier}" (connectors.${options.id}.${MODULE_CONFIG_KEY})`;
  const paths = options.paths ?? [process.cwd()];
  let resolved: string;
  try {
    resolved = require.resolve(specifier, { paths });
  } catch {
    throw new ConnectorModuleError(`${name} not found: no package or file "${specifier}" from ${paths.join(', ')} (install the package, or give an absolute path or one starting with ./ relative to the configuration file)`);
  }
  let exports: unknown;
  try {
    // require, not import(): the CLI and the tests load TypeScript through require hooks (tsx, jest).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exports = require(resolved);
  } catch (error) {
    throw new ConnectorModuleError(`${name} failed to load from ${resolved}: ${new Redactor().messageOf(error).split('\n')[0]}`);
  }
  const factory = isObject(exports) ? exports[CONNECTOR_MODULE_FACTORY_EXPORT] : undefined;
  const candidate = typeof factory === 'function' ? (factory as (id: string) => unknown)(options.id) : isObject(exports) ? exports[CONNECTOR_MODULE_EXPORT] : undefined;
  if (candidate === undefined) {
    const names = isObject(exports) ? Object.keys(exports) : [];
    throw new ConnectorModuleError(
      `${name} has no export named ${CONNECTOR_MODULE_EXPORT} (it exports ${names.length ? names.join(', ') : 'nothing'}): add \`export const ${CONNECTOR_MODULE_EXPORT} = defineConnectorModule({ … })\` to its entry point`,
    );
  }
  const problems = shapeProblems(candidate);
  if (problems.length > 0) throw new ConnectorModuleError(`${name}: its ${CONNECTOR_MODULE_EXPORT} is not a ConnectorModule: ${problems.join('; ')}`);
  const module = candidate as ConnectorModule<unknown, unknown>;
  if (module.id !== options.id) {
    throw new ConnectorModuleError(`${name} is connector "${module.id}", not "${options.id}": name its section connectors.${module.id}`);
  }
  return module;
}

/** What is missing or wrong in a value meant to be a ConnectorModule; empty when it is one. */
function shapeProblems(value: unknown): string[] {
  if (!isObject(value)) return [`expected an object, got ${value === null ? 'null' : typeof value}`];
  const problems: string[] = [];
  const id = ConnectorIdSchema.safeParse(value.id);
  if (!id.success) problems.push(`id ${JSON.stringify(value.id) ?? 'undefined'}: ${id.error.issues[0]?.message ?? 'not a connector id'}`);
  const schema = value.configSchema;
  if (!isObject(schema) || typeof schema.safeParse !== 'function') problems.push('configSchema is not a zod schema');
  for (const method of ['fromEnv', 'embeddedConfig', 'create'] as const) {
    if (typeof value[method] !== 'function') problems.push(`${method} is not a function`);
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
