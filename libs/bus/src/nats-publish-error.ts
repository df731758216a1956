import { errors } from '@nats-io/transport-node';
import { BusError } from './bus-error';

/** A nats.js publish failure as a BusError; `bytes` and `maxPayload` name the sizes when the message was too large. */
export function toBusError(error: unknown, bytes: number, maxPayload: number | undefined): BusError {
  if (error instanceof errors.ClosedConnectionError || error instanceof errors.DrainingConnectionError) return new BusError('closed', 'NATS connection is closed', { cause: error });
  if (error instanceof errors.InvalidArgumentError && /max_payload/.test(error.message)) {
    return new BusError('too_large', `message of ${bytes} bytes is larger than the NATS server's max_payload (${maxPayload ?? 'unknown'} bytes)`, { cause: error });
  }
  return new BusError('disconnected', `NATS publish failed: ${(error as Error)?.message ?? 'unknown error'}`, { cause: error });
}
