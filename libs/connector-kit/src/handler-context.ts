import type { Principal } from '@mcp-hub/connector-contract';
import type { Logger } from 'pino';

/**
 * What every handler receives besides its arguments and dependencies. Handlers construct
 * nothing: clients and stores come in `deps`, everything about this one call comes here.
 */
export interface HandlerContext {
  /** Aborted when the client cancels, the deadline passes or the replica is forced to stop. Pass it to every I/O call. */
  readonly signal: AbortSignal;
  /** Absolute deadline, epoch milliseconds. */
  readonly deadline: number;
  readonly invocationId: string;
  readonly principal: Principal;
  /** Child logger already bound to the invocation id and principal. Never log credentials. */
  readonly logger: Logger;
  /** Reports progress to the MCP client when it asked for it; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): void;
  /** Tells every hub that a resource changed, so subscribed clients get `notifications/resources/updated`. */
  resourceUpdated(uri: string): void;
}
