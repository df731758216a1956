import type { ConnectorModule } from '@mcp-hub/connector-kit';
import { databaseModule } from '@mcp-hub/connector-database';
import { emailModule } from '@mcp-hub/connector-email';
import { helpdeskModule } from '@mcp-hub/connector-helpdesk';

/**
 * The connectors this distribution ships. The CLI is the composition root: the only project
 * allowed to import both the hub and connectors (see eslint.config.mjs).
 */
export const builtInConnectors: ReadonlyMap<string, ConnectorModule<unknown, unknown>> = new Map(
  [helpdeskModule, databaseModule, emailModule].map((module) => [module.id, module as unknown as ConnectorModule<unknown, unknown>]),
);
