import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { publicKeysFromPem } from '@mcp-hub/connector-kit';
import { ManifestSignatures } from '@mcp-hub/hub';
import type { CliConfig } from './cli-config';
import { ConfigError } from './config-loader';

/**
 * The public keys of `signedManifests.keys`, per connector id: each value is PEM text or the path
 * of a PEM file (relative to the working directory, like policy files).
 * @throws ConfigError naming the connector whose key cannot be read or is no Ed25519 public key
 */
export function connectorPublicKeys(config: CliConfig): Map<string, KeyObject[]> {
  const keys = new Map<string, KeyObject[]>();
  for (const [id, value] of Object.entries(config.signedManifests.keys)) {
    const where = `signedManifests.keys.${id} (MCP_HUB_CONNECTOR_KEYS)`;
    try {
      const pem = value.trimStart().startsWith('-----BEGIN') ? value : readFileSync(value, 'utf8');
      const found = publicKeysFromPem(pem);
      const wrong = found.find((key) => key.asymmetricKeyType !== 'ed25519');
      if (wrong) throw new Error(`a ${wrong.asymmetricKeyType} key; connector manifests are signed with Ed25519 (mcp-hub keys create ${id})`);
      keys.set(id, found);
    } catch (error) {
      throw new ConfigError(`${where}: ${(error as Error).message}`);
    }
  }
  return keys;
}

/**
 * Whether this hub requires signed manifests: `signedManifests.required` when set, else as soon
 * as one connector key is configured (docs/decisions/0010-signed-manifests.md).
 */
export function signedManifestsRequired(config: CliConfig): boolean {
  return config.signedManifests.required ?? Object.keys(config.signedManifests.keys).length > 0;
}

/**
 * The manifest checks the configuration asks for, or undefined when nothing is checked. The
 * distributed hub says so in its log then: any bus client allowed on a connector's registry
 * subjects can make it serve definitions nobody signed.
 * @throws ConfigError for an unusable key
 */
export function manifestSignaturesFor(config: CliConfig, logger: Logger, embedded: boolean): ManifestSignatures | undefined {
  const keys = connectorPublicKeys(config);
  const required = signedManifestsRequired(config);
  if (!required && keys.size === 0) {
    if (!embedded) logger.warn('connector manifests are not verified (no signedManifests.keys / MCP_HUB_CONNECTOR_KEYS): set a key per connector in production (mcp-hub keys create <connector>)');
    return undefined;
  }
  logger.info({ connectorsWithKeys: [...keys.keys()], required }, required ? 'connector manifests must be signed' : 'connector manifests with a configured key must be signed');
  return new ManifestSignatures({ keys, required });
}
