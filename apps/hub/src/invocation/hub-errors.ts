/**
 * Errors by where they travel (style.md habit 6):
 *  - {@link ClientRequestError}: the client asked for something malformed or unknown; a JSON-RPC
 *    protocol error goes back to the client.
 *  - {@link HubLocalError}: the hub could not get an answer (connector unavailable, timeout,
 *    contract violation). Logged with detail; the model sees only a short generic tool error.
 *  - connector error replies (`ErrorReply`): the connector's own words, safe to show the model.
 */
export type ClientRequestErrorKind = 'invalid_params' | 'resource_not_found';

export class ClientRequestError extends Error {
  override readonly name = 'ClientRequestError';
  constructor(
    readonly kind: ClientRequestErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export type HubLocalErrorKind = 'unavailable' | 'replica_lost' | 'timeout' | 'contract_violation' | 'cancelled' | 'too_large';

export class HubLocalError extends Error {
  override readonly name = 'HubLocalError';
  constructor(
    readonly kind: HubLocalErrorKind,
    /** Detail for the log only. */
    readonly detail: string,
    readonly connector: string,
  ) {
    super(detail);
  }

  /** What the model or client is told: short, generic, without internals. */
  publicMessage(): string {
    switch (this.kind) {
      case 'unavailable':
        return `The ${this.connector} connector is unavailable right now. Try again in a moment.`;
      case 'replica_lost':
        return `The ${this.connector} connector stopped while handling this call; it may or may not have completed. Check before retrying.`;
      case 'timeout':
        return `The ${this.connector} connector did not answer in time. Try again, or narrow the request.`;
      case 'cancelled':
        return 'The request was cancelled.';
      case 'contract_violation':
        return `The ${this.connector} connector sent an invalid answer. The problem has been logged.`;
      case 'too_large':
        return `The request is larger than the hub can send to the ${this.connector} connector. Send less (shorter text, fewer items), or pass large content by reference.`;
    }
  }
}

/** A connector answered a resource, prompt or completion request with an error of its own (safe to show). */
export class ConnectorFailure extends Error {
  override readonly name = 'ConnectorFailure';
}
