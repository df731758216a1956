import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { ConnectorConfigError, type ConnectorConfigSources } from './connector-config';

/** The key of a `connectors.<id>` section naming the file of the connector's manifest signing key; never passed to the connector's schema. */
export const SIGNING_KEY_CONFIG_KEY = 'signingKeyFile';

/** The variable naming a connector's manifest signing key file (`SLACK_SIGNING_KEY_FILE`); it wins over the file's section. */
export function signingKeyVariable(connectorId: string): string {
  return `${connectorId.toUpperCase()}_SIGNING_KEY_FILE`;
}

/**
 * The Ed25519 private key (PKCS #8 PEM, as `mcp-hub keys create` writes it) a connector signs its
 * manifest with: from the file `<ID>_SIGNING_KEY_FILE` names, else `connectors.<id>.signingKeyFile`
 * (a mounted secret file either way: the key itself never sits in the configuration). Undefined
 * when neither is set: the manifest goes out unsigned.
 * @throws ConnectorConfigError naming the setting when the file cannot be read or holds no Ed25519 private key
 */
export function readManifestSigningKey(connectorId: string, sources: Pick<ConnectorConfigSources, 'fromFile' | 'env'>): KeyObject | undefined {
  const variable = signingKeyVariable(connectorId);
  const fromEnv = sources.env[variable];
  const fromFile = sources.fromFile?.[SIGNING_KEY_CONFIG_KEY];
  const setting = fromEnv ? variable : `connectors.${connectorId}.${SIGNING_KEY_CONFIG_KEY}`;
  const file = fromEnv || fromFile;
  if (file === undefined || file === '') return undefined;
  if (typeof file !== 'string') throw new ConnectorConfigError(`${setting}: must be the path of a PEM file`);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file, 'utf8'));
  } catch (error) {
    // The message of a parse error never quotes the key; a read error names only the path.
    throw new ConnectorConfigError(`${setting}: ${file}: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new ConnectorConfigError(`${setting}: ${file} holds a ${key.asymmetricKeyType} key; manifests are signed with Ed25519 (mcp-hub keys create ${connectorId})`);
  return key;
}
