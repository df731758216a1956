import type { HubConfig } from '@mcp-hub/hub';
import { startConnector } from '../connector-runtime';
import { createLogger } from '../logger';
import { connectNats, redactUrl } from '../nats-connection';
import { onShutdownSignal } from '../shutdown';

/** One connector replica over NATS. Start more to scale out: they share the connector's queue group. */
export async function runConnectorService(id: string, config: HubConfig): Promise<void> {
  const logger = createLogger(config.log.level, `connector-${id}`);
  const bus = await connectNats(config, `connector-${id}`, logger);
  const running = await startConnector(id, config, bus, logger, { embedded: false });
  logger.info({ connector: id, replica: running.service.replicaId, nats: redactUrl(config.nats.url) }, 'connector serving');
  onShutdownSignal(logger, async () => {
    await running.stop();
    await bus.close();
  });
}
