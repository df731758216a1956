import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Bus } from '@mcp-hub/bus';
import type { ConnectorModule } from './connector-module';
import { buildConnector, type ConnectorConfigSources } from './connector-config';
import { ConnectorService } from './connector-service';
import { ReplicaHttpServer } from './replica-http';
import { ReplicaMetrics } from './replica-metrics';
import type { ReplicaSettings } from './replica-settings';
import { PrincipalAssertionVerifier } from './principal-assertion-verifier';
import { JobWorker } from './job-worker';
import { readManifestSigningKey } from './manifest-signing-key';
import { jobConcurrency, type JobSettings } from './job-settings';

/** One replica of a connector module, running. */
export interface RunningConnector {
  id: string;
  service: ConnectorService<unknown>;
  /** Base URL of the replica's metrics and probe port, when `replica.metricsPort` is set. */
  metricsUrl?: string;
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
  /** The hub's Ed25519 public keys: every request must carry a principal assertion one of them signed. Absent: the bus is trusted. */
  assertionKeys?: readonly KeyObject[];
  /** With `redisUrl`, and when the connector has job tools, the replica also runs their BullMQ worker. */
  jobs?: JobSettings;
}

/**
 * Builds a connector module from its configuration (see `buildConnector`) and starts one replica
 * of it on a bus: what `mcp-hub connector <id>`, the embedded mode and `runConnectorMain` share.
 * The replica signs its manifest when a signing key is configured (`readManifestSigningKey`).
 * When the replica cannot start, what the module opened is closed again.
 * @throws ConnectorConfigError for bad configuration or an unusable signing key; whatever the module's `create` throws.
 */
export async function startConnector<C, D>(module: ConnectorModule<C, D>, options: StartConnectorOptions): Promise<RunningConnector> {
  // Read before the module opens anything: a bad key file fails with nothing to close.
  const signingKey = readManifestSigningKey(module.id, options.sources);
  const built = await buildConnector(module, options.sources, options.logger.child({ connector: module.id }));
  const { metricsPort, metricsHost = '127.0.0.1', ...replica } = options.replica ?? {};
  let metrics: ReplicaMetrics | undefined;
  const service: ConnectorService<D> = new ConnectorService(built.connector, {
    bus: options.bus,
    deps: built.deps,
    logger: options.logger,
    namespace: options.namespace,
    redactor: options.sources.redactor,
    signingKey,
    ...(options.assertionKeys && { assertions: new PrincipalAssertionVerifier({ publicKeys: options.assertionKeys, connectorId: module.id }) }),
    ...replica,
    ...(metricsPort !== undefined && { observe: (tool, outcome, seconds) => metrics?.observe(tool, outcome, seconds) }),
  });
  let http: ReplicaHttpServer | undefined;
  let worker: JobWorker<D> | undefined;
  let metricsUrl: string | undefined;
  try {
    if (metricsPort !== undefined) {
      metrics = new ReplicaMetrics(module.id, service, options.bus);
      http = new ReplicaHttpServer(metrics, service);
      metricsUrl = await http.listen(metricsPort, metricsHost);
      options.logger.info({ connector: module.id, url: metricsUrl }, `replica metrics and probes on ${metricsUrl}`);
    }
    await service.start();
    if (options.jobs?.redisUrl && JobWorker.hasJobTools(built.connector)) {
      worker = new JobWorker({
        connector: built.connector,
        deps: built.deps,
        redisUrl: options.jobs.redisUrl,
        namespace: options.namespace,
        logger: options.logger.child({ connector: module.id }),
        concurrency: jobConcurrency(options.jobs, module.id),
        redactor: options.sources.redactor,
        resourceUpdated: (uri) => service.resourceUpdated(uri),
        ...(options.assertionKeys && { assertionKeys: options.assertionKeys }),
      });
      await worker.start();
    }
  } catch (error) {
    await worker?.close();
    await service.stop();
    await http?.close();
    await built.close();
    throw error;
  }
  built.attach?.({ update: (connector) => service.update(connector), resourceUpdated: (uri) => service.resourceUpdated(uri) });
  return {
    id: module.id,
    service: service as ConnectorService<unknown>,
    metricsUrl,
    stop: async () => {
      await worker?.close();
      await service.stop();
      await http?.close();
      await built.close();
    },
  };
}
