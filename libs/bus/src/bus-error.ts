/**
 * `forbidden`: the server refused to publish the request (this user's permissions), so no reply can come.
 * `too_large`: the message is larger than the bus carries (NATS `max_payload`); nothing was sent.
 */
export type BusErrorKind = 'no_responders' | 'timeout' | 'disconnected' | 'closed' | 'cancelled' | 'forbidden' | 'too_large';

/** A failure of the bus itself, never of the handler on the other side. `kind` is the discriminant. */
export class BusError extends Error {
  override readonly name = 'BusError';
  constructor(
    readonly kind: BusErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isBusError(error: unknown, kind?: BusErrorKind): error is BusError {
  return error instanceof BusError && (kind === undefined || error.kind === kind);
}
