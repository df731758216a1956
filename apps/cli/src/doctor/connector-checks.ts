import { createPublicKey } from 'node:crypto';
import pino from 'pino';
import { SIGNING_KEY_CONFIG_KEY, readManifestSigningKey, signingKeyVariable } from '@mcp-hub/connector-kit';
import { connectorPublicKeys } from '../manifest-keys';
import type { CliConfig } from '../cli-config';
import { buildConfiguredConnector, connectorModuleFor } from '../connector-runtime';
import { fail, messageOf, ok, warn, withTimeout, type DoctorCheck } from './doctor-check';

/** Opening a connector connects to its upstreams (databases, APIs); a slow one is a finding, not a hang. */
const BUILD_TIMEOUT_MS = 15_000;

/**
 * Builds connector `id` from the configuration as `mcp-hub connector <id>` (or, `embedded`, the
 * embedded mode) would, which validates its settings and opens its upstreams, then closes it.
 * Nothing is announced on any bus.
 */
export async function checkConnector(id: string, config: CliConfig, embedded: boolean, env: NodeJS.ProcessEnv): Promise<DoctorCheck> {
  const name = `connector ${id}`;
  try {
    const module = connectorModuleFor(id, config);
    const built = await withTimeout(buildConfiguredConnector(module, config, pino({ level: 'silent' }), { embedded, env }), BUILD_TIMEOUT_MS, `connector ${id}`);
    try {
      const { tools, resources, prompts } = built.connector;
      return ok(name, `configuration valid, upstreams open: ${tools.size} tools, ${resources.size} resources, ${prompts.size} prompts`);
    } finally {
      await built.close();
    }
  } catch (error) {
    return fail(name, messageOf(error), `fix connectors.${id} in the configuration file or the connector's environment variables (see its README)`);
  }
}

/**
 * The key connector `id` signs its manifest with (`mcp-hub connector <id>`): it loads, and when
 * the same configuration also holds the hub's public key for `id`, the two make a pair.
 */
export function checkSigningKey(id: string, config: CliConfig, env: NodeJS.ProcessEnv): DoctorCheck {
  const name = `connector ${id} signing key`;
  const setting = `${signingKeyVariable(id)} or connectors.${id}.${SIGNING_KEY_CONFIG_KEY}`;
  let key;
  try {
    key = readManifestSigningKey(id, { env, fromFile: config.connectors[id] as Record<string, unknown> | undefined });
  } catch (error) {
    return fail(name, messageOf(error), `point ${setting} at the <connector>.key.pem that mcp-hub keys create ${id} wrote`);
  }
  if (!key) return warn(name, 'none: the manifest goes out unsigned, and hubs that require signed manifests refuse it', `mcp-hub keys create ${id}; set ${setting}`);
  let hubKeys;
  try {
    hubKeys = connectorPublicKeys(config).get(id);
  } catch {
    hubKeys = undefined; // the hub's own check reports it
  }
  if (hubKeys && !hubKeys.some((pub) => pub.equals(createPublicKey(key)))) {
    return fail(name, `the key does not match signedManifests.keys.${id} in the same configuration: hubs would refuse the connector`, 'give the hub the .pub.pem written with this .key.pem');
  }
  return ok(name, `the manifest is signed (Ed25519)${hubKeys ? ', and the key matches signedManifests.keys' : ''}`);
}
