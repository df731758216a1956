import { CLIENT_CAPABILITIES_META_KEY, ProtocolError, SdkError, SdkErrorCode, type ClientCapabilities, type Server, type ServerContext } from '@modelcontextprotocol/server';
import type { ClientCapability, ClientRequest } from '@mcp-hub/connector-contract';
import { ClientChannelError, type ClientChannel } from '../invocation/client-channel';

/**
 * The call's client as a {@link ClientChannel}: server-to-client requests go out through the SDK
 * server of the call's connection (`ctx.mcpReq.send`, related to the call, so on a 2025 session
 * they travel on the call's own response stream). Undefined when the client cannot be asked
 * that way: a 2026-07-28 request (asked through `input_required` results instead, see
 * `input-required-rounds.ts`), or a connection not initialised.
 */
export function clientChannelFor(server: Server, ctx: ServerContext): ClientChannel | undefined {
  if (isEra2026(ctx)) return undefined;
  const declared = server.getClientCapabilities();
  if (!declared) return undefined;
  return {
    capabilities: capabilitiesOf(declared),
    send: (request, options) => send(ctx, request, options),
  };
}

/** True for a 2026-07-28 request: it carries its client's identity and capabilities in its `_meta` envelope. */
export function isEra2026(ctx: ServerContext): boolean {
  return ctx.mcpReq.envelope !== undefined;
}

/** What a 2026-07-28 request's client declared (in its envelope), in the contract's words. */
export function envelopeCapabilities(ctx: ServerContext): ClientCapability[] {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const declared = envelope?.[CLIENT_CAPABILITIES_META_KEY];
  return declared && typeof declared === 'object' ? capabilitiesOf(declared as ClientCapabilities) : [];
}

/** What a client declared, in the contract's words. Elicitation counts only in form mode (the only mode connectors use). */
function capabilitiesOf(declared: ClientCapabilities): ClientCapability[] {
  const capabilities: ClientCapability[] = [];
  const elicitation = declared.elicitation as { form?: unknown; url?: unknown } | undefined;
  // `elicitation: {}` means form mode (spec 2025-11-25); a client naming modes must name `form`.
  if (elicitation && (elicitation.form !== undefined || elicitation.url === undefined)) capabilities.push('elicitation');
  if (declared.sampling) capabilities.push('sampling');
  if (declared.roots) capabilities.push('roots');
  return capabilities;
}

async function send(ctx: ServerContext, request: ClientRequest, { signal, timeoutMs }: { signal: AbortSignal; timeoutMs: number }): Promise<unknown> {
  const options = { signal, timeout: timeoutMs };
  try {
    switch (request.method) {
      case 'elicitation/create':
        return await ctx.mcpReq.send({ method: 'elicitation/create', params: request.params }, options);
      case 'sampling/createMessage':
        return await ctx.mcpReq.send({ method: 'sampling/createMessage', params: request.params }, options);
      case 'roots/list':
        return await ctx.mcpReq.send({ method: 'roots/list' }, options);
    }
  } catch (error) {
    if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) throw new ClientChannelError('timeout', 'The client did not answer in time.');
    if (error instanceof SdkError && error.code === SdkErrorCode.CapabilityNotSupported) throw new ClientChannelError('capability_missing', error.message);
    if (error instanceof ProtocolError) throw new ClientChannelError('client_error', `The client answered with an error: ${error.message}`);
    if (error instanceof SdkError) throw new ClientChannelError('client_error', `The client's answer could not be read (${error.code}).`);
    throw error;
  }
}
