import { Redactor } from '@mcp-hub/connector-kit';
import type { HubConfig } from '@mcp-hub/hub';
import { connectorConfig, startConnector } from '../connector-runtime';
import { createLogger } from '../logger';
import { connectNats, redactUrl } from '../nats-connection';
import { onShutdownSignal } from '../shutdown';

/**
 * One connector replica over NATS. Start more to scale out: they share the connector's queue
 * group. Its configuration is checked before anything waits; while NATS is unreachable it logs
 * every attempt, and gives up after `nats.waitSeconds` (a BusUnreachableError ends the process).
 */
export async function runConnectorService(id: string, config: HubConfig): Promise<void> {
  const redactor = new Redactor();
  const logger = createLogger(config.log.level, `connector-${id}`, { redactor });
  connectorConfig(id, config, { embedded: false });
  const nats = connectNats(config, `connector-${id}`, logger);
  // Until the bus is there nothing runs that a signal's default (exit at once) could cut short.
  await nats.connected;
  const running = await startConnector(id, config, nats.bus, logger, { embedded: false, redactor });
  logger.info({ connector: id, replica: running.service.replicaId, nats: redactUrl(config.nats.url) }, 'connector serving');
  onShutdownSignal(logger, async () => {
    await running.stop();
    await nats.bus.close();
  });
}
