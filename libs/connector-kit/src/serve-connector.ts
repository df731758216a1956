import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { Subjects } from '@mcp-hub/connector-contract';
import type { ConnectorModule } from './connector-module';
import { resolveConnectorConfig, type ConnectorConfigSources } from './connector-config';
import type { ConnectorProcessConfig } from './connector-process-config';
import { connectNats } from './connect-nats';
import { onShutdownSignal } from './on-shutdown-signal';
import type { Redactor } from './redactor';
import { startConnector, type RunningConnector } from './start-connector';
import { publicKeysFromPem } from './principal-assertion-verifier';
import { ConnectorConfigError } from './connector-config';
import { SIGNING_KEY_CONFIG_KEY, readManifestSigningKey, signingKeyVariable } from './manifest-signing-key';

/**
 * Serves one replica of a connector module over NATS until SIGTERM or SIGINT drains it and the
 * process exits: the body of `mcp-hub connector <id>` and of `runConnectorMain`. The connector's
 * configuration is checked before anything waits; while NATS is unreachable every attempt is
 * logged. `redactor` (the one the logger masks lines with) learns the connector's secrets.
 * @throws ConnectorConfigError for bad configuration, BusUnreachableError when NATS was not
 *   reached within `nats.waitSeconds`, and whatever the module's `create` throws.
 */
export async function serveConnector<C, D>(
  module: ConnectorModule<C, D>,
  config: ConnectorProcessConfig,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
  redactor?: Redactor,
): Promise<RunningConnector> {
  // dataDir feeds only the embedded defaults, which a replica over NATS does not use.
  const sources: ConnectorConfigSources = { embedded: false, dataDir: process.cwd(), fromFile: config.connectors[module.id] as Record<string, unknown> | undefined, env, redactor };
  resolveConnectorConfig(module, sources);
  if (!readManifestSigningKey(module.id, sources)) {
    logger.warn(`${signingKeyVariable(module.id)} (connectors.${module.id}.${SIGNING_KEY_CONFIG_KEY}) is not set: the manifest goes out unsigned, and hubs that require signed manifests refuse this connector`);
  }
  const assertionKeys = readAssertionKeys(config, logger);
  // Replies to the connector's own requests (ctx.elicit and the others) arrive under its inbox prefix only.
  const nats = connectNats(config.nats, `connector-${module.id}`, logger, { inboxPrefix: new Subjects(config.namespace).connectorInboxPrefix(module.id) });
  // Until the bus is there nothing runs that a signal's default (exit at once) could cut short.
  await nats.connected;
  let running: RunningConnector;
  try {
    running = await startConnector(module, { sources, bus: nats.bus, logger, namespace: config.namespace, replica: config.replica, assertionKeys, jobs: config.jobs });
  } catch (error) {
    await nats.bus.close();
    throw error;
  }
  logger.info({ connector: module.id, replica: running.service.replicaId, nats: nats.displayUrl }, 'connector serving');
  onShutdownSignal(logger, async () => {
    await running.stop();
    await nats.bus.close();
  });
  return running;
}

/**
 * The hub's assertion keys from `assertions.publicKeyFile`; without one the replica trusts the
 * principal any bus client sends, and says so.
 * @throws ConnectorConfigError naming a file that cannot be read or holds no public key
 */
function readAssertionKeys(config: ConnectorProcessConfig, logger: Logger): KeyObject[] | undefined {
  const file = config.assertions.publicKeyFile;
  if (!file) {
    logger.warn('assertions.publicKeyFile (MCP_HUB_ASSERTION_PUBLIC_KEY_FILE) is not set: the principal of each call is taken from the bus unverified');
    return undefined;
  }
  try {
    return publicKeysFromPem(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConnectorConfigError(`assertions.publicKeyFile (MCP_HUB_ASSERTION_PUBLIC_KEY_FILE): ${file}: ${(error as Error).message}`);
  }
}
