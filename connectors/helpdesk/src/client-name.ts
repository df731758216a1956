import { qualifiedToolName } from '@mcp-hub/connector-contract';

/** The helpdesk connector's id; the hub prefixes the names of its tools, prompts and resources with it. */
export const HELPDESK_ID = 'helpdesk';

/**
 * The name clients (and so models) see for this connector's tool or prompt `name`. Text that
 * points the model at another tool must use it: told `search_tickets`, a model calls a tool that
 * does not exist.
 */
export function clientName(name: string): string {
  return qualifiedToolName(HELPDESK_ID, name);
}
