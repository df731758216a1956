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
 * Built-in connectors that need an account on another system and have no offline demo: the
 * embedded mode runs them by default only when configured (a `connectors.<id>` section, or one
 * of their own environment variables), so that `npm start` with nothing configured still starts.
 */
const NEEDS_ACCOUNT = new Set(['github']);

/** The built-in connectors the embedded mode runs when `embedded.connectors` does not list them. */
export function defaultEmbeddedConnectors(fileSections: Record<string, unknown>, env: NodeJS.ProcessEnv): string[] {
  return [...builtInConnectors.values()]
    .filter((module) => !NEEDS_ACCOUNT.has(module.id) || fileSections[module.id] !== undefined || Object.keys(module.fromEnv(env)).length > 0)
    .map((module) => module.id);
}
