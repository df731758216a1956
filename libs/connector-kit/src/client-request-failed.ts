import type { ClientRequestErrorKind } from '@mcp-hub/connector-contract';
import { ToolError } from './tool-error';

/**
 * A server-to-client request (`ctx.elicit`, `ctx.createMessage`, `ctx.listRoots`) got no answer.
 * `reason` says why, so a handler can act on it (go on without confirmation when elicitation is
 * `capability_missing`, say so when it is not); left uncaught it is a tool error the model reads:
 * `cancelled` and `timeout` keep their kind, every other reason is `upstream` (the client is the
 * upstream here).
 */
export class ClientRequestFailed extends ToolError {
  constructor(
    readonly reason: ClientRequestErrorKind,
    message: string,
  ) {
    super(reason === 'cancelled' || reason === 'timeout' ? reason : 'upstream', message);
  }
}
