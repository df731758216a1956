/** RFC 6750 error codes a bearer challenge carries. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * A request the HTTP front refuses before MCP sees it: 401 (no credential, or one that does not
 * verify) or 403 (`insufficient_scope`), answered with a `WWW-Authenticate: Bearer` challenge
 * that names the protected resource metadata. `description` is for the client: it never quotes
 * the token.
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly status: 401 | 403 | 503,
    /** Absent for a request with no credential at all (RFC 6750 §3.1: no error code then). */
    readonly code: BearerErrorCode | undefined,
    readonly description: string,
    /** With `insufficient_scope`: the scopes the request needs. */
    readonly scope?: readonly string[],
  ) {
    super(description);
  }
}
