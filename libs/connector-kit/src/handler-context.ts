import type { CreateMessageParams, CreateMessageResult, ElicitParams, ElicitResult, ListRootsResult, Principal } from '@mcp-hub/connector-contract';
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
  /**
   * The job's id when the call runs as a job (`execution: 'job'`, under BullMQ or the embedded
   * runner): the same on every attempt, unlike `invocationId` in the embedded mode. Absent for a
   * plain call.
   */
  readonly jobId?: string;
  readonly principal: Principal;
  /** Child logger already bound to the invocation id and principal. Never log credentials. */
  readonly logger: Logger;
  /** Reports progress to the MCP client when it asked for it; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): void;
  /** Tells every hub that a resource changed, so subscribed clients get `notifications/resources/updated`. */
  resourceUpdated(uri: string): void;
  /**
   * Asks the person at the MCP client (elicitation, form mode) and waits for the answer, within
   * the call's deadline: `accept` with `content`, `decline`, or `cancel` (dismissed). Validate
   * `content` before use: it comes from the client.
   * @throws ClientRequestFailed with a `reason`: `capability_missing` when the client did not
   *   declare elicitation, `cancelled` when the client cancelled the call, `timeout` at the
   *   deadline, `unsupported` when the call has no client to ask (see docs/architecture.md).
   */
  elicit(params: ElicitParams): Promise<ElicitResult>;
  /** Asks the client's model for a completion (sampling), as {@link elicit} asks the person. @throws ClientRequestFailed */
  createMessage(params: CreateMessageParams): Promise<CreateMessageResult>;
  /** The client's roots (folders it exposes). @throws ClientRequestFailed */
  listRoots(): Promise<ListRootsResult>;
}
