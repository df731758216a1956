import type { Authenticator } from '../auth/authentication';
import type { ProtectedResourceMetadata } from '../auth/protected-resource-metadata';

/** How the HTTP front authenticates `/mcp` requests (see `HttpFrontOptions.auth`). */
export interface HttpAuth {
  authenticator: Authenticator;
  /** This hub's resource URL (RFC 8707), e.g. `https://hub.example.com/mcp`: the audience tokens must name. */
  resource: string;
  /** Served at `/.well-known/oauth-protected-resource` (and `…/mcp`). */
  metadata: ProtectedResourceMetadata;
}
