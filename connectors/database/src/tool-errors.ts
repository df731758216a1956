import { ToolError } from '@mcp-hub/connector-kit';
import type { HandlerContext } from '@mcp-hub/connector-kit';
import { DatabaseError } from './engines/database-error';
import type { CallLimits } from './engines/engine';
import { PolicyError, type DatabaseSource } from './database-source';
import { StatementRejectedError } from './sql/statement-classifier';
import type { DatabaseDeps } from './database-deps';
import { clientName } from './client-name';

const KIND = {
  timeout: 'timeout',
  cancelled: 'cancelled',
  read_only: 'forbidden',
  permission: 'forbidden',
  invalid_statement: 'invalid_arguments',
  connection: 'upstream',
  busy: 'busy',
  failed: 'upstream',
} as const;

const HINT: Partial<Record<DatabaseError['reason'], string>> = {
  timeout: ' Narrow the query (filters, LIMIT) or ask for less.',
  connection: ' Retry the call: the next one opens a new connection. A write that was running may or may not have been committed.',
};

/**
 * Maps what a database call threw to the tool error the model sees. Refusals and server errors
 * keep their (already scrubbed) message; anything else is a bug and is rethrown for the kit to
 * log and hide.
 */
export function toToolError(error: unknown): unknown {
  if (error instanceof ToolError) return error;
  if (error instanceof StatementRejectedError || error instanceof PolicyError) return new ToolError('forbidden', error.message);
  if (error instanceof DatabaseError) {
    const hint = HINT[error.reason] ?? '';
    return new ToolError(KIND[error.reason], `${error.message}${hint}`);
  }
  return error;
}

/** Runs a database call and converts its failure with {@link toToolError}. */
export async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toToolError(error);
  }
}

/** The call's remaining time and cancellation, keeping a little time to reply before the deadline. */
export function callLimits(ctx: HandlerContext): CallLimits {
  return { signal: ctx.signal, timeoutMs: Math.max(100, ctx.deadline - Date.now() - 250) };
}

export function requireSource(deps: DatabaseDeps, name: string): DatabaseSource {
  const source = deps.sources.get(name);
  if (!source) throw new ToolError('not_found', `No source named ${name}. Call ${clientName('list_sources')} to see the configured sources.`);
  return source;
}
