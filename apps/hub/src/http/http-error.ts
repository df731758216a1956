/** A request the HTTP front answers with `status` and a JSON-RPC error body (`rpcCode`, `message`). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly rpcCode: number,
    message: string,
    /** Seconds, sent as `Retry-After` (429 and 503 answers). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
