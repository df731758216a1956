import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { defineConnectorModule, type ConnectorDefinition, type ConnectorModule, type ReplicaLink } from '@mcp-hub/connector-kit';
import { BridgeConfigSchema, type BridgeConfig } from './config';
import { bridgeDefinition, type BridgeDeps } from './bridge-definition';
import type { UpstreamListing } from './upstream-client';
import { UpstreamLink } from './upstream-link';
import { UpstreamUris } from './upstream-uris';

/** The id of the bridge built into the CLI (`mcp-hub connector bridge`); {@link bridgeModule} makes one per upstream. */
export const BRIDGE_CONNECTOR_ID = 'bridge';

const BRIDGE_VERSION = '0.1.0';

/**
 * The connector module of a bridge to one existing MCP server, under connector id `id`
 * (`connectors.<id>` holds its configuration: `upstream`, `annotations`, …). One module per
 * upstream: each bridged server is a connector of its own, with its own names, exposure and replicas.
 */
export function bridgeModule(id: string): ConnectorModule<BridgeConfig, BridgeDeps> {
  return defineConnectorModule({
    id,
    configSchema: BridgeConfigSchema,
    // Everything is in the file; the bearer token's variable is named there (upstream.bearerTokenEnv).
    fromEnv: () => ({}),
    // A bridge runs only where it is configured: it has no demo upstream.
    embeddedConfig: () => ({}),
    create: (config, logger) => createBridge(id, config, logger),
  });
}

/**
 * Connects to the upstream (starting its child for stdio), lists it, and serves what it offers.
 * Later listings (the upstream's `list_changed`, a restarted child) re-announce the replica.
 * @throws when the upstream cannot be reached or listed within `connectTimeoutMs`, or its bearer token cannot be read.
 */
async function createBridge(id: string, config: BridgeConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env) {
  const bearerToken = readBearerToken(config, env);
  const uris = new UpstreamUris(id);
  let replica: ReplicaLink<BridgeDeps> | undefined;
  let pending: UpstreamListing | undefined;
  const define = (listing: UpstreamListing): ConnectorDefinition<BridgeDeps> => bridgeDefinition(listing, { id, version: BRIDGE_VERSION, config, logger });
  const link = new UpstreamLink({
    config,
    logger,
    bearerToken,
    onListing: (listing) => {
      if (replica) replica.update(define(listing));
      else pending = listing;
    },
    onResourceUpdated: (uri) => {
      const wrapped = uris.wrap(uri);
      if (wrapped !== undefined) replica?.resourceUpdated(wrapped);
    },
  });
  let connector: ConnectorDefinition<BridgeDeps>;
  try {
    connector = define(await link.start());
  } catch (error) {
    await link.stop();
    throw new Error(`connector ${id}: could not reach and list the upstream MCP server: ${(error as Error).message}`, { cause: error });
  }
  return {
    connector,
    deps: { link },
    secrets: [...(bearerToken ? [bearerToken] : []), ...headerSecrets(config)],
    close: () => link.stop(),
    attach(running: ReplicaLink<BridgeDeps>) {
      replica = running;
      if (pending) running.update(define(pending));
      pending = undefined;
    },
  };
}

function readBearerToken(config: BridgeConfig, env: NodeJS.ProcessEnv): string | undefined {
  const upstream = config.upstream;
  if (upstream.transport !== 'http') return undefined;
  if (upstream.bearerTokenFile !== undefined) {
    const token = readFileSync(upstream.bearerTokenFile, 'utf8').trim();
    if (!token) throw new Error(`the bearer token file ${upstream.bearerTokenFile} is empty`);
    return token;
  }
  if (upstream.bearerTokenEnv !== undefined) {
    const token = env[upstream.bearerTokenEnv]?.trim();
    if (!token) throw new Error(`the environment variable ${upstream.bearerTokenEnv} (upstream.bearerTokenEnv) is not set`);
    return token;
  }
  return undefined;
}

/** Header values and child environment values are credentials as often as not: the redactor masks them all. */
function headerSecrets(config: BridgeConfig): string[] {
  const upstream = config.upstream;
  const values = upstream.transport === 'http' ? Object.values(upstream.headers) : Object.values(upstream.env);
  return values.filter((value) => value.length >= 8);
}

/** The bridge under id `bridge`, as `mcp-hub connector bridge` runs it. */
export const connectorModule = bridgeModule(BRIDGE_CONNECTOR_ID);

/** A bridge under any id: `connectors.<id>.module: "@mcp-hub/connector-bridge"` (see `loadConnectorModule`). */
export const connectorModuleFor = bridgeModule;
