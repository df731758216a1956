import { inputRequired, type CallToolResult, type InputRequests, type InputRequiredResult, type ServerContext } from '@modelcontextprotocol/server';
import type { ClientRequest, RoundOutcome } from '@mcp-hub/connector-contract';
import type { CallOptions, Hub } from '../hub';
import { envelopeCapabilities } from './sdk-client-channel';

/**
 * A 2026-07-28 `tools/call`, in rounds: the first runs the call; when its connector asks the
 * client something, the round answers `input_required` with the requests and a `requestState`
 * naming the parked call; the client's retry (with `inputResponses`) resumes it, on whichever
 * replica it reaches. The SDK's client fulfils the requests and retries by itself.
 */
export async function callToolInRounds(hub: Hub, ctx: ServerContext, name: string, args: Record<string, unknown>, options: CallOptions): Promise<CallToolResult | InputRequiredResult> {
  const state = ctx.mcpReq.requestState<unknown>();
  const outcome =
    typeof state === 'string'
      ? await hub.resumeToolCall(state, name, ctx.mcpReq.inputResponses ?? {}, options)
      : await hub.callToolInRounds(name, args, envelopeCapabilities(ctx), options);
  return toSdk(outcome);
}

function toSdk(outcome: RoundOutcome): CallToolResult | InputRequiredResult {
  if (outcome.kind === 'done') return outcome.result as CallToolResult;
  const inputRequests: InputRequests = {};
  for (const [key, request] of Object.entries(outcome.requests)) inputRequests[key] = toInputRequest(request);
  return inputRequired({ inputRequests, requestState: outcome.state });
}

function toInputRequest(request: ClientRequest): InputRequests[string] {
  switch (request.method) {
    case 'elicitation/create':
      return inputRequired.elicit(request.params as Parameters<typeof inputRequired.elicit>[0]);
    case 'sampling/createMessage':
      return inputRequired.createMessage(request.params as Parameters<typeof inputRequired.createMessage>[0]);
    case 'roots/list':
      return inputRequired.listRoots();
  }
}
