import type { Principal } from '@mcp-hub/connector-contract';

/**
 * A caller the hub has authenticated for one request: who (the contract's `Principal`, which is
 * what policy, sessions and connectors see) and what the credential allows in time. The bearer
 * token itself never leaves the HTTP front.
 */
export interface Authentication {
  principal: Principal;
  /** When the credential expires, epoch ms; absent for the configured local principal. */
  expiresAt?: number;
  /** The token's `jti`, when it has one (hub-minted tokens always do): what revocation names. */
  tokenId?: string;
}

/** Turns an HTTP request's `Authorization` header into an {@link Authentication}. */
export interface Authenticator {
  /**
   * Verifies the credential on every request (not only at `initialize`).
   * @throws AuthError 401 (missing, malformed, expired, revoked, wrong issuer or audience) or
   *   403 `insufficient_scope`.
   */
  authenticate(authorization: string | undefined): Promise<Authentication>;
}
