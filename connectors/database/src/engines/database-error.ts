/** Why a database call failed, in terms the tools map to error kinds. */
export type DatabaseErrorReason = 'timeout' | 'cancelled' | 'read_only' | 'permission' | 'invalid_statement' | 'connection' | 'busy' | 'failed';

/**
 * A failure raised by an engine. Its message is already scrubbed of connection secrets and is
 * safe to show the model (it is the server's own message, e.g. `relation "x" does not exist`).
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    readonly reason: DatabaseErrorReason,
    message: string,
    /** The server's error code (SQLSTATE, MySQL errno) when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}
