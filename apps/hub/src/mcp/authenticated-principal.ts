import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { PrincipalSchema } from '@mcp-hub/connector-contract';
import type { PrincipalResolver } from './build-mcp-server';

/**
 * The principal the HTTP front authenticated for this request (it puts it in the SDK's
 * `authInfo.extra`, never the token). A request that reached MCP without one is a bug in the
 * front: refused rather than served as anybody.
 */
export const authenticatedPrincipal: PrincipalResolver = (ctx) => {
  const parsed = PrincipalSchema.safeParse(ctx.http?.authInfo?.extra?.['principal']);
  if (!parsed.success) throw new ProtocolError(ProtocolErrorCode.InternalError, 'The request was not authenticated.');
  return parsed.data;
};
