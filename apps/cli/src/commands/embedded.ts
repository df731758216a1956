import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { InProcessBus } from '@mcp-hub/bus';
import type { HubConfig } from '@mcp-hub/hub';
import { builtInConnectors } from '../built-in-connectors';
import { startConnector, type RunningConnector } from '../connector-runtime';
import { httpFront, startHub, stdioFront } from '../hub-runtime';
import { createLogger } from '../logger';
import { onShutdownSignal } from '../shutdown';

/**
 * The embedded mode: hub and built-in connectors in one process on the in-process bus, demo
 * data under the data directory. `http` serves Streamable HTTP and prints how to connect;
 * `stdio` speaks MCP on stdin/stdout (desktop clients start it themselves).
 */
export async function runEmbedded(config: HubConfig, transport: 'http' | 'stdio'): Promise<void> {
  const logger = createLogger(transport === 'stdio' && config.log.level === 'info' ? 'warn' : config.log.level, 'mcp-hub');
  mkdirSync(config.dataDir, { recursive: true });
  const bus = new InProcessBus();
  const hub = await startHub(config, bus, logger);
  const connectors: RunningConnector[] = [];
  for (const id of config.embedded.connectors ?? [...builtInConnectors.keys()]) {
    connectors.push(await startConnector(id, config, bus, logger, { embedded: true }));
  }
  await bus.flush();

  const front = transport === 'http' ? httpFront(hub, config, logger) : undefined;
  if (front) {
    const url = await front.listen();
    process.stdout.write(banner(url, hub.inventory.tools().length, connectors.map((c) => c.id)));
  } else {
    stdioFront(hub, config, logger);
    // A desktop client closing our stdin means it is done with us.
    process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
  }

  onShutdownSignal(logger, async () => {
    await front?.close();
    for (const connector of connectors) await connector.stop();
    hub.stop();
    await bus.close();
  });
}

function banner(url: string, tools: number, connectors: string[]): string {
  const bin = path.resolve(__dirname, '../../../../bin/mcp-hub');
  const stdioConfig = { mcpServers: { 'mcp-hub': { command: bin, args: ['stdio'] } } };
  const httpConfig = { mcpServers: { 'mcp-hub': { type: 'http', url } } };
  return [
    '',
    `MCP hub (embedded) serving ${url}`,
    `Connectors: ${connectors.join(', ')} (${tools} tools)`,
    '',
    'Connect an HTTP client (Claude Code, Cursor, VS Code, MCP Inspector) with:',
    `  ${JSON.stringify(httpConfig)}`,
    'or let a desktop client start it over stdio (Claude Desktop):',
    `  ${JSON.stringify(stdioConfig)}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
