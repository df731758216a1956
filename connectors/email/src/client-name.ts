import { qualifiedToolName } from '@mcp-hub/connector-contract';

/** The email connector's id; the hub prefixes the names of its tools, prompts and resources with it. */
export const EMAIL_ID = 'email';

/** The name clients (and so models) see for this connector's tool or prompt `name`. */
export function clientName(name: string): string {
  return qualifiedToolName(EMAIL_ID, name);
}
