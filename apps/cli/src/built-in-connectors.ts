import type { ConnectorModule } from '@mcp-hub/connector-kit';
import { connectorModule as bridgeModule } from '@mcp-hub/connector-bridge';
import { databaseModule } from '@mcp-hub/connector-database';
import { helpdeskModule } from '@mcp-hub/connector-helpdesk';

/**
 * The connectors this distribution ships. The CLI is the composition root: the only project
 * allowed to import both the hub and connectors (see eslint.config.mjs).
 */
export const builtInConnectors: ReadonlyMap<string, ConnectorModule<unknown, unknown>> = new Map(
  [helpdeskModule, databaseModule, bridgeModule].map((module) => [module.id, module as unknown as ConnectorModule<unknown, unknown>]),
);

/**
 * Built-in connectors the embedded mode runs only when the configuration has a section for them
 * (`connectors.<id>`) or lists them in `embedded.connectors`: the bridge has no upstream to
 * bridge until one is configured.
 */
export const optInConnectors: ReadonlySet<string> = new Set([bridgeModule.id]);
