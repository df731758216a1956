import { Redactor } from '@mcp-hub/connector-kit';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { InProcessBus } from '@mcp-hub/bus';
import type { HubConfig } from '@mcp-hub/hub';
import { builtInConnectors } from '../built-in-connectors';
import { connectorConfig, startConnector, type RunningConnector } from '../connector-runtime';
import { httpFront, listenOrExplain, startHub, stdioFront } from '../hub-runtime';
import { createLogger } from '../logger';
import { onShutdownSignal } from '../shutdown';

/**
 * The embedded mode: hub and built-in connectors in one process on the in-process bus, demo
 * data under the data directory. `http` serves Streamable HTTP and prints how to connect;
 * `stdio` speaks MCP on stdin/stdout (desktop clients start it themselves). Configuration errors
 * and a taken port are reported before any connector starts.
 */
export async function runEmbedded(config: HubConfig, transport: 'http' | 'stdio'): Promise<void> {
  // One redactor for the process: every connector registers its secrets, every log line is masked.
  const redactor = new Redactor();
  const logger = createLogger(config.log.level, 'mcp-hub', { stdio: transport === 'stdio', redactor });
  const ids = config.embedded.connectors ?? [...builtInConnectors.keys()];
  for (const id of ids) connectorConfig(id, config, { embedded: true });
  mkdirSync(config.dataDir, { recursive: true });
  if (transport === 'stdio') process.stderr.write(`mcp-hub: data in ${config.dataDir}\n`);
  const bus = new InProcessBus();
  const hub = await startHub(config, bus, logger);
  const front = transport === 'http' ? httpFront(hub, config, logger) : undefined;
  const url = front ? await listenOrExplain(front, config) : undefined;
  const connectors: RunningConnector[] = [];
  for (const id of ids) connectors.push(await startConnector(id, config, bus, logger, { embedded: true, redactor }));
  await bus.flush();

  if (url) {
    process.stdout.write(banner(url, hub.inventory.tools().length, connectors.map((c) => c.id), config.dataDir));
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

function banner(url: string, tools: number, connectors: string[], dataDir: string): string {
  const bin = path.resolve(__dirname, '../../../../bin/mcp-hub');
  return [
    '',
    `MCP hub (embedded) serving ${url}`,
    `Connectors: ${connectors.join(', ')} (${tools} tools); data in ${dataDir}`,
    '',
    'Connect a client:',
    `  Claude Code:    claude mcp add --transport http mcp-hub ${url}`,
    `  Cursor (.cursor/mcp.json):    ${JSON.stringify({ mcpServers: { 'mcp-hub': { url } } })}`,
    `  VS Code (.vscode/mcp.json):   ${JSON.stringify({ servers: { 'mcp-hub': { type: 'http', url } } })}`,
    `  Claude Desktop (stdio, claude_desktop_config.json):`,
    `    ${JSON.stringify({ mcpServers: { 'mcp-hub': { command: bin, args: ['stdio'] } } })}`,
    `  MCP Inspector:  npx @modelcontextprotocol/inspector  (transport Streamable HTTP, URL ${url})`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
