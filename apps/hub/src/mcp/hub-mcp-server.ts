import { ProtocolError, ProtocolErrorCode, Server, type JSONRPCRequest, type Result, type ServerContext } from '@modelcontextprotocol/server';

type Handler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

/**
 * Thrown by the `tools/call` handler to answer with a task instead of a tool result (MCP Tasks,
 * `task-handlers.ts`): the SDK checks every `tools/call` answer against the tool-result schema,
 * which a task fails, so the answer goes around that check. Only the hub's own task code throws it.
 */
export class TaskCreated extends Error {
  override readonly name = 'TaskCreated';

  constructor(readonly result: Result) {
    super('task created');
  }
}

/**
 * The SDK's low-level `Server`, with two changes. A `tools/call` answered with a task
 * ({@link TaskCreated}) is sent as it is. And a request whose params fail the SDK's own schema
 * is answered -32602 (invalid params) naming the field. SDK 2.4 checks the params of every spec
 * method but throws a plain `Error` for all of them except `tools/call`, which the protocol layer
 * turns into -32603 (internal error); and `tools/call`'s -32602 carries zod's raw issue list.
 * Only errors whose message is such an issue list are rewritten; anything else passes unchanged.
 */
export class HubMcpServer extends Server {
  protected override _wrapHandler(method: string, handler: Handler): Handler {
    const wrapped = super._wrapHandler(method, handler);
    return async (request, ctx) => {
      try {
        return await wrapped(request, ctx);
      } catch (error) {
        if (error instanceof TaskCreated && method === 'tools/call') return error.result;
        throw invalidParams(method, error) ?? error;
      }
    };
  }
}

/** The -32602 error for an SDK params check failure, naming each field and what is wrong with it; undefined for other errors. */
function invalidParams(method: string, error: unknown): ProtocolError | undefined {
  if (!(error instanceof Error)) return undefined;
  let issueList = error.message;
  if (error instanceof ProtocolError) {
    const prefix = `Invalid ${method} request: `; // tools/call's own check
    if (error.code !== ProtocolErrorCode.InvalidParams || !issueList.startsWith(prefix)) return undefined;
    issueList = issueList.slice(prefix.length);
  }
  let issues: unknown;
  try {
    issues = JSON.parse(issueList);
  } catch {
    return undefined;
  }
  if (!Array.isArray(issues)) return undefined;
  const described = issues
    .slice(0, 5)
    .map((issue: { path?: unknown[]; message?: unknown }) => {
      const path = Array.isArray(issue.path) ? issue.path.map(String).join('.') : '';
      return `${path || '(request)'}: ${String(issue.message ?? 'invalid')}`;
    })
    .join('; ');
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid params for ${method}: ${described}`);
}
