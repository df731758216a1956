import { defineConnectorModule } from '@mcp-hub/connector-kit';
import { HelpdeskConfigSchema, helpdeskConfigFromEnv, helpdeskEmbeddedConfig, type HelpdeskConfig } from './config';
import { HELPDESK_ID } from './client-name';
import { helpdeskConnector } from './connector';
import { demoTickets } from './demo-data';
import type { HelpdeskDeps } from './helpdesk-deps';
import { PostgresTicketStore } from './postgres-ticket-store';
import { SqliteTicketStore } from './sqlite-ticket-store';
import type { TicketStore } from './ticket-store';

/**
 * The helpdesk connector as the CLI runs it: `mcp-hub connector helpdesk` or inside the
 * embedded hub. `create` opens the store (creating its tables), seeds demo tickets into an
 * empty store when asked. The kit keeps the tools the configuration exposes.
 */
export const helpdeskModule = defineConnectorModule<HelpdeskConfig, HelpdeskDeps>({
  id: HELPDESK_ID,
  configSchema: HelpdeskConfigSchema,
  fromEnv: helpdeskConfigFromEnv,
  embeddedConfig: helpdeskEmbeddedConfig,
  async create(config, logger) {
    const store: TicketStore =
      config.store.kind === 'sqlite'
        ? SqliteTicketStore.open(config.store.path)
        : await PostgresTicketStore.open({ url: config.store.url, schema: config.store.schema, logger });
    try {
      if (config.seedDemoData && (await store.seedIfEmpty(demoTickets()))) logger.info('seeded the empty ticket store with demo tickets');
      logger.info({ store: config.store.kind }, 'helpdesk connector ready');
      const secrets = config.store.kind === 'postgres' ? [config.store.url] : [];
      return { connector: helpdeskConnector, secrets, deps: { store, pageSize: config.pageSize, maxTextBytes: config.maxTextBytes }, close: () => store.close() };
    } catch (error) {
      await store.close();
      throw error;
    }
  },
});
