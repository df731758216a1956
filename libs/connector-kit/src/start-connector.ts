import type { Logger } from 'pino';
import type { Bus } from '@mcp-hub/bus';
import type { ConnectorModule } from './connector-module';
import { buildConnector, type ConnectorConfigSources } from './connector-config';
import { runConnector, type ConnectorService } from './connector-service';
import type { ReplicaSettings } from './replica-settings';

/** One replica of a connector module, running. */
export interface RunningConnector {
  id: string;
  service: ConnectorService<unknown>;
  /** Drains the replica, then closes what the connector's module opened. */
  stop(): Promise<void>;
}

export interface StartConnectorOptions {
  sources: ConnectorConfigSources;
  bus: Bus;
  logger: Logger;
  /** The deployment namespace. Default `mcphub`. */
  namespace?: string;
  replica?: Partial<ReplicaSettings>;
}

/**
 * Builds a connector module from its configuration (see `buildConnector`) and starts one replica
 * of it on a bus: what `mcp-hub connector <id>`, the embedded mode and `runConnectorMain` share.
 * When the replica cannot start, what the module opened is closed again.
 * @throws ConnectorConfigError for bad configuration; whatever the module's `create` throws.
 */
export async function startConnector<C, D>(module: ConnectorModule<C, D>, options: StartConnectorOptions): Promise<RunningConnector> {
  const built = await buildConnector(module, options.sources, options.logger.child({ connector: module.id }));
  let service: ConnectorService<D>;
  try {
    service = await runConnector(built.connector, {
      bus: options.bus,
      deps: built.deps,
      logger: options.logger,
      namespace: options.namespace,
      redactor: options.sources.redactor,
      ...options.replica,
    });
  } catch (error) {
    await built.close();
    throw error;
  }
  built.attach?.({ update: (connector) => service.update(connector), resourceUpdated: (uri) => service.resourceUpdated(uri) });
  return {
    id: module.id,
    service: service as ConnectorService<unknown>,
    stop: async () => {
      await service.stop();
      await built.close();
    },
  };
}
