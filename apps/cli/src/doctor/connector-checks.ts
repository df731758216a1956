import pino from 'pino';
import type { CliConfig } from '../cli-config';
import { buildConfiguredConnector, connectorModuleFor } from '../connector-runtime';
import { fail, messageOf, ok, withTimeout, type DoctorCheck } from './doctor-check';

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
