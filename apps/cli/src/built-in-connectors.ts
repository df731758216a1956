import type { ConnectorModule } from '@mcp-hub/connector-kit';
import { databaseModule } from '@mcp-hub/connector-database';
import { helpdeskModule } from '@mcp-hub/connector-helpdesk';
import { mqttModule } from '@mcp-hub/connector-mqtt';
import { slackModule } from '@mcp-hub/connector-slack';
import type { CliConfig } from './cli-config';

/**
 * The connectors this distribution ships. The CLI is the composition root: the only project
 * allowed to import both the hub and connectors (see eslint.config.mjs).
 */
export const builtInConnectors: ReadonlyMap<string, ConnectorModule<unknown, unknown>> = new Map(
  [helpdeskModule, databaseModule, mqttModule, slackModule].map((module) => [module.id, module as unknown as ConnectorModule<unknown, unknown>]),
);

/**
 * Built-in connectors that need a server or service a newcomer's machine does not have (an MQTT
 * broker, a Slack workspace with credentials). They have no offline demo, so the embedded mode
 * runs them only when configured: a default `npm start` must not fail for lack of a Slack token,
 * and a configured but broken one must still fail loudly.
 */
const ONLY_WHEN_CONFIGURED: ReadonlySet<string> = new Set([mqttModule.id, slackModule.id]);

/** Settings every connector may read from shared variables (REDIS_URL): they do not say "configure this connector". */
const SHARED_SETTINGS = new Set(['idempotency']);

/**
 * The built-in connectors `start`/`stdio` run when `embedded.connectors` does not list them: all
 * of them, except those of {@link ONLY_WHEN_CONFIGURED} that have neither a `connectors.<id>`
 * section in the configuration nor any of their own environment variables set.
 */
export function builtInsToEmbed(config: CliConfig, env: NodeJS.ProcessEnv): string[] {
  return [...builtInConnectors.values()]
    .filter((module) => !ONLY_WHEN_CONFIGURED.has(module.id) || config.connectors[module.id] !== undefined || ownSettingInEnv(module, env))
    .map((module) => module.id);
}

function ownSettingInEnv(module: ConnectorModule<unknown, unknown>, env: NodeJS.ProcessEnv): boolean {
  return Object.entries(module.fromEnv(env)).some(([key, value]) => value !== undefined && !SHARED_SETTINGS.has(key));
}
