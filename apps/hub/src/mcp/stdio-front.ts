import type { Logger } from 'pino';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Hub } from '../hub';
import { buildMcpServer, type PrincipalResolver, type ServerIdentity } from './build-mcp-server';
import { SessionTable } from './session-table';

/**
 * MCP over stdin/stdout for desktop clients, both protocol eras. Nothing else may write to
 * stdout: logs go to stderr.
 */
export function serveHubOverStdio(hub: Hub, identity: ServerIdentity, principalFor: PrincipalResolver, logger: Logger): SessionTable {
  const sessions = new SessionTable();
  let next = 0;
  serveStdio(
    () => {
      const id = `stdio-${next++}`;
      const subscriptions = new Set<string>();
      const server = buildMcpServer(hub, identity, principalFor, { subscriptions });
      sessions.add(id, { server, subscriptions, close: () => server.close() });
      server.onclose = () => sessions.remove(id);
      return server;
    },
    { onerror: (error: Error) => logger.warn({ err: error }, 'stdio MCP error') },
  );
  hub.on('listChanged', (change) => sessions.notifyListChanged(change));
  hub.on('resourceUpdated', (uri) => sessions.notifyResourceUpdated(uri));
  return sessions;
}
