import type { HubConfig } from '@mcp-hub/hub';
import { httpFront, openSessionStore, startHub } from '../hub-runtime';
import { createLogger } from '../logger';
import { onShutdownSignal } from '../shutdown';
import { connectNats, redactUrl } from '../nats-connection';

/** The hub front alone, over NATS: connectors run as their own services (`mcp-hub connector <id>`). */
export async function runHub(config: HubConfig): Promise<void> {
  const logger = createLogger(config.log.level, 'mcp-hub');
  const bus = await connectNats(config, 'mcp-hub', logger);
  const hub = await startHub(config, bus, logger);
  const sessionStore = await openSessionStore(config, logger);
  const front = httpFront(hub, config, logger, sessionStore);
  const url = await front.listen();
  logger.info({ url, nats: redactUrl(config.nats.url), sessions: config.sessions.store }, 'hub serving');
  process.stdout.write(`MCP hub serving ${url} (NATS ${redactUrl(config.nats.url)})\n`);
  onShutdownSignal(logger, async () => {
    await front.close();
    await sessionStore.close();
    hub.stop();
    await bus.close();
  });
}

