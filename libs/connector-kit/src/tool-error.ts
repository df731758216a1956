import type { ErrorKind } from '@mcp-hub/connector-contract';

/**
 * Marks tool errors across copies of the kit: a connector package loaded as a plugin may resolve
 * its own copy, whose ToolError class is not this one, and `instanceof` would call its errors
 * bugs (a generic `internal` reply). `Symbol.for` is shared by every copy in the process.
 */
const TOOL_ERROR_BRAND = Symbol.for('mcp-hub.connector-kit.ToolError');

/**
 * A failure the model can act on: thrown by a handler, sent as a tool result with
 * `isError: true`. The message is shown to the model, so it must say what to change and must
 * not contain credentials or internals. Anything else a handler throws is a bug and reaches
 * the model only as a generic message.
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly [TOOL_ERROR_BRAND] = true;

  constructor(
    readonly kind: Exclude<ErrorKind, 'internal'>,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** `x instanceof ToolError` holds for a ToolError of any copy of the kit (see TOOL_ERROR_BRAND). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TOOL_ERROR_BRAND] === true;
  }
}
