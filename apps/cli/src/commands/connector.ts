import { Redactor, serveConnector } from '@mcp-hub/connector-kit';
import type { CliConfig } from '../cli-config';
import { connectorModuleFor } from '../connector-runtime';
import { createLogger } from '../logger';

/**
 * One connector replica over NATS, built in or loaded from the package `connectors.<id>.module`
 * names. Start more to scale out: they share the connector's queue group. The same path as a
 * connector package's own `runConnectorMain` (the kit's `serveConnector`), with the CLI's logs.
 */
export async function runConnectorService(id: string, config: CliConfig): Promise<void> {
  // One redactor for the process: the connector registers its secrets, every log line is masked.
  const redactor = new Redactor();
  const logger = createLogger(config.log.level, `connector-${id}`, { redactor });
  await serveConnector(connectorModuleFor(id, config), config, logger, process.env, redactor);
}
