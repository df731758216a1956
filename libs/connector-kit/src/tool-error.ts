import type { ErrorKind } from '@mcp-hub/connector-contract';

/**
 * A failure the model can act on: thrown by a handler, sent as a tool result with
 * `isError: true`. The message is shown to the model, so it must say what to change and must
 * not contain credentials or internals. Anything else a handler throws is a bug and reaches
 * the model only as a generic message.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  constructor(
    readonly kind: Exclude<ErrorKind, 'internal'>,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
