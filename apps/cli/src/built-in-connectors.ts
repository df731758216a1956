import type { ConnectorModule } from '@mcp-hub/connector-kit';
import { databaseModule } from '@mcp-hub/connector-database';
import { githubModule } from '@mcp-hub/connector-github';
import { helpdeskModule } from '@mcp-hub/connector-helpdesk';

/**
 * The connectors this distribution ships. The CLI is the composition root: the only project
 * allowed to import both the hub and connectors (see eslint.config.mjs).
 */
export const builtInConnectors: ReadonlyMap<string, ConnectorModule<unknown, unknown>> = new Map(
  [helpdeskModule, databaseModule, githubModule].map((module) => [module.id, module as unknown as ConnectorModule<unknown, unknown>]),
);

/**
 * Built-in connectors that need an account on another system and have no offline demo, with the
 * environment variable that opts in: the embedded mode runs them by default only when configured
 * (a `connectors.<id>` section in the file, or that variable), so that `npm start` with nothing
 * configured still starts. GitHub opts in with its allowlist, not its token: many shells hold a
 * GITHUB_TOKEN for other tools, and a token alone would start a connector that must then refuse
 * to start for want of an allowlist.
 */
const OPT_IN_VARIABLE = new Map([['github', 'GITHUB_REPOSITORIES']]);

/** The built-in connectors the embedded mode runs when `embedded.connectors` does not list them. */
export function defaultEmbeddedConnectors(fileSections: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  return [...builtInConnectors.keys()].filter((id) => {
    const variable = OPT_IN_VARIABLE.get(id);
    return variable === undefined || fileSections[id] !== undefined || Boolean(env[variable]);
  });
}
