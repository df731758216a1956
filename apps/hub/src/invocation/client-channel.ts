import type { ClientCapability, ClientRequest } from '@mcp-hub/connector-contract';

/**
 * How the hub reaches the MCP client behind one call, for the connector's server-to-client
 * requests (elicitation, sampling, roots). Built by the SDK adapter per call; the hub's core
 * knows only this.
 */
export interface ClientChannel {
  /** What the client declared at initialize. */
  readonly capabilities: readonly ClientCapability[];
  /**
   * Sends one request to the client in the call's session and resolves with its raw answer
   * (checked by the caller). Rejects when `signal` aborts, after `timeoutMs`, or when the client
   * answers with an error ({@link ClientChannelError}).
   */
  send(request: ClientRequest, options: { signal: AbortSignal; timeoutMs: number }): Promise<unknown>;
}

/** The client's own answer was an error, or the request timed out in the SDK (`timeout`). */
export class ClientChannelError extends Error {
  override readonly name = 'ClientChannelError';
  constructor(
    readonly kind: 'timeout' | 'client_error' | 'capability_missing',
    message: string,
  ) {
    super(message);
  }
}
