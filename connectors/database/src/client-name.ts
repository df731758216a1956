import { qualifiedToolName } from '@mcp-hub/connector-contract';

/** The database connector's id; the hub prefixes the names of its tools, prompts and resources with it. */
export const DATABASE_CONNECTOR_ID = 'database';

/**
 * The name clients (and so models) see for this connector's tool or prompt `name`. Text that
 * points the model at another tool must use it: told `list_sources`, a model calls a tool that
 * does not exist.
 */
export function clientName(name: string): string {
  return qualifiedToolName(DATABASE_CONNECTOR_ID, name);
}
