import type { ConnectorModule } from '@mcp-hub/connector-kit';
import { databaseModule } from '@mcp-hub/connector-database';
import { helpdeskModule } from '@mcp-hub/connector-helpdesk';
import { mqttModule } from '@mcp-hub/connector-mqtt';

/**
 * The connectors this distribution ships. The CLI is the composition root: the only project
 * allowed to import both the hub and connectors (see eslint.config.mjs).
 */
export const builtInConnectors: ReadonlyMap<string, ConnectorModule<unknown, unknown>> = new Map(
  [helpdeskModule, databaseModule, mqttModule].map((module) => [module.id, module as unknown as ConnectorModule<unknown, unknown>]),
);

/**
 * Built-in connectors that the embedded mode runs only when the configuration has their
 * `connectors.<id>` section (or lists them in `embedded.connectors`): they need a server a
 * newcomer's machine does not have (an MQTT broker), and `npm start` must work with nothing.
 */
export const connectorsRunWhenConfigured: ReadonlySet<string> = new Set([mqttModule.id]);
