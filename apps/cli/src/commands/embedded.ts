import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { InProcessBus } from '@mcp-hub/bus';
import type { Logger } from 'pino';
import { onShutdownSignal, Redactor, type ConnectorModule } from '@mcp-hub/connector-kit';
import type { CliConfig } from '../cli-config';
import { builtInsToEmbed } from '../built-in-connectors';
import { embeddedAdminToken } from '../admin-token';
import { checkConnectorConfig, connectorModuleFor, moduleSpecifier, pluginIds, startConnector, type RunningConnector } from '../connector-runtime';
import { httpFront, listenOrExplain, startHub, stdioFront, stopHub } from '../hub-runtime';
import { createLogger } from '../logger';
import { assertAuthOrLoopback, openHubAuth } from '../hub-auth';
import { PrincipalAssertionSigner } from '@mcp-hub/hub';

/**
 * The embedded mode: hub, built-in connectors (those that need credentials only when configured) and the connector packages the configuration names
 * (`connectors.<id>.module`) in one process on the in-process bus, demo data under the data
 * directory. `http` serves Streamable HTTP and prints how to connect; `stdio` speaks MCP on
 * stdin/stdout (desktop clients start it themselves). Configuration errors of the built-in
 * connectors and a taken port are reported before any connector starts; a connector package
 * that cannot be loaded, configured or created is logged and left out, and the rest start.
 */
export async function runEmbedded(config: CliConfig, transport: 'http' | 'stdio'): Promise<void> {
  // One redactor for the process: every connector registers its secrets, every log line is masked.
  const redactor = new Redactor();
  const logger = createLogger(config.log.level, 'mcp-hub', { stdio: transport === 'stdio', redactor });
  if (transport === 'http') assertAuthOrLoopback(config);
  const ids = config.embedded.connectors ?? [...new Set([...builtInsToEmbed(config, process.env), ...pluginIds(config)])];
  const modules = new Map<string, ConnectorModule<unknown, unknown>>();
  for (const id of ids) {
    const module = await asPlugin(id, config, logger, () => {
      const found = connectorModuleFor(id, config);
      checkConnectorConfig(found, config, { embedded: true });
      return found;
    });
    if (module) modules.set(id, module);
  }
  mkdirSync(config.dataDir, { recursive: true });
  if (transport === 'stdio') process.stderr.write(`mcp-hub: data in ${config.dataDir}\n`);
  const bus = new InProcessBus();
  // Hub and connectors share this process: a key pair of its own, the public half straight to the connectors.
  const assertions = PrincipalAssertionSigner.ephemeral(config.assertions.ttlSeconds * 1000);
  const hub = await startHub(config, bus, logger, undefined, assertions.signer, true);
  const auth = transport === 'http' ? await openHubAuth(config, logger) : undefined;
  const admin = transport === 'http' ? embeddedAdminToken(config.admin.token, config.dataDir) : undefined;
  if (admin) redactor.register(admin.token);
  const front = transport === 'http' ? httpFront(hub, config, logger, undefined, auth?.http, admin?.token) : undefined;
  const url = front ? await listenOrExplain(front, config) : undefined;
  const connectors: RunningConnector[] = [];
  for (const [id, module] of modules) {
    const running = await asPlugin(id, config, logger, () => startConnector(module, config, bus, logger, { embedded: true, redactor, assertionKeys: [assertions.publicKey] }));
    if (running) connectors.push(running);
  }
  await bus.flush();

  if (url) {
    const started = connectors.map((c) => c.id);
    process.stdout.write(banner(url, hub.inventory.tools().length, started, ids.filter((id) => !started.includes(id)), config.dataDir, admin!));
  } else {
    stdioFront(hub, config, logger);
    // A desktop client closing our stdin means it is done with us.
    process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
  }

  onShutdownSignal(logger, async () => {
    await front?.close();
    await auth?.close();
    for (const connector of connectors) await connector.stop();
    await stopHub(hub);
    await bus.close();
  });
}

/** The built-in connectors the embedded mode runs when `embedded.connectors` is not set. */

/**
 * Runs a step of connector `id`. For a connector package named in the configuration, a failure
 * is logged (the hub and the other connectors still start) and gives undefined; for a built-in
 * connector it stops start-up.
 */
async function asPlugin<T>(id: string, config: CliConfig, logger: Logger, step: () => T | Promise<T>): Promise<T | undefined> {
  const specifier = moduleSpecifier(id, config);
  if (specifier === undefined) return step();
  try {
    return await step();
  } catch (error) {
    const message = new Redactor().messageOf(error);
    logger.error({ connector: id, module: specifier }, `connector ${id} not started: ${message}`);
    return undefined;
  }
}

function banner(url: string, tools: number, connectors: string[], notStarted: string[], dataDir: string, admin: { token: string; file?: string }): string {
  const bin = path.resolve(__dirname, '../../../../bin/mcp-hub');
  return [
    '',
    `MCP hub (embedded) serving ${url}`,
    `Connectors: ${connectors.join(', ')} (${tools} tools); data in ${dataDir}`,
    ...(notStarted.length ? [`Not started (see the log): ${notStarted.join(', ')}`] : []),
    '',
    'Connect a client:',
    `  Claude Code:    claude mcp add --transport http mcp-hub ${url}`,
    `  Cursor (.cursor/mcp.json):    ${JSON.stringify({ mcpServers: { 'mcp-hub': { url } } })}`,
    `  VS Code (.vscode/mcp.json):   ${JSON.stringify({ servers: { 'mcp-hub': { type: 'http', url } } })}`,
    `  Claude Desktop (stdio, claude_desktop_config.json):`,
    `    ${JSON.stringify({ mcpServers: { 'mcp-hub': { command: bin, args: ['stdio'] } } })}`,
    `  MCP Inspector:  npx @modelcontextprotocol/inspector  (transport Streamable HTTP, URL ${url})`,
    '',
    `Admin page: ${url.replace(/\/mcp$/, '/admin')}  token: ${admin.token}${admin.file ? `  (kept in ${admin.file})` : ''}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
