import type { ConnectorModule } from '@mcp-hub/connector-kit';
import { connectorModule as bridgeModule } from '@mcp-hub/connector-bridge';
import { databaseModule } from '@mcp-hub/connector-database';
import { emailModule } from '@mcp-hub/connector-email';
import { githubModule } from '@mcp-hub/connector-github';
import { helpdeskModule } from '@mcp-hub/connector-helpdesk';
import { mqttModule } from '@mcp-hub/connector-mqtt';
import { slackModule } from '@mcp-hub/connector-slack';
import type { CliConfig } from './cli-config';

/**
 * The connectors this distribution ships. The CLI is the composition root: the only project
 * allowed to import both the hub and connectors (see eslint.config.mjs).
 */
export const builtInConnectors: ReadonlyMap<string, ConnectorModule<unknown, unknown>> = new Map(
  [helpdeskModule, databaseModule, emailModule, githubModule, mqttModule, slackModule, bridgeModule].map((module) => [module.id, module as unknown as ConnectorModule<unknown, unknown>]),
);

/**
 * Built-in connectors that need a server or an account a newcomer's machine does not have (an
 * MQTT broker, a Slack workspace, GitHub repositories, an MCP server to bridge). They have no
 * offline demo, so the embedded mode runs them only when configured: a default `npm start` must
 * not fail for lack of a Slack token, and a configured but broken one must still fail loudly.
 */
const ONLY_WHEN_CONFIGURED: ReadonlySet<string> = new Set([githubModule.id, mqttModule.id, slackModule.id, bridgeModule.id]);

/**
 * The variable that opts a connector in, where any of its variables would say too much. GitHub
 * opts in with its allowlist, not its token: many shells hold a GITHUB_TOKEN for other tools, and
 * a token alone would start a connector that must then refuse to start for want of an allowlist.
 */
const OPT_IN_VARIABLE: ReadonlyMap<string, string> = new Map([[githubModule.id, 'GITHUB_REPOSITORIES']]);

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
  const optIn = OPT_IN_VARIABLE.get(module.id);
  if (optIn !== undefined) return Boolean(env[optIn]);
  return Object.entries(module.fromEnv(env)).some(([key, value]) => value !== undefined && !SHARED_SETTINGS.has(key));
}
