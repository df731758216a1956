import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { PrincipalSchema, type Principal } from '@mcp-hub/connector-contract';
import { AuthError } from './auth-error';
import type { Authentication, Authenticator } from './authentication';
import { RevocationListUnavailable, type RevocationList } from './revocation-list';
import { DEFAULT_ALGORITHMS, type TrustedIssuer } from './trusted-issuer';

export interface BearerAuthenticatorOptions {
  /** This hub's resource URL (RFC 8707, e.g. `https://hub.example.com/mcp`): every token's `aud` must name it. */
  resource: string;
  /** Authorization servers whose tokens are accepted (the hub's own minting issuer among them). */
  issuers: readonly TrustedIssuer[];
  /** Scopes every request needs; a token without them gets 403 `insufficient_scope`. Default none. */
  requiredScopes?: readonly string[];
  /** Checked for tokens that carry a `jti`. */
  revocations?: RevocationList;
  /** Longest lifetime (`exp - iat`) accepted from the issuer named `limitedIssuer`, ms: the hub's own tokens. */
  lifetimeLimit?: { issuer: string; maxMs: number };
  /** Clock skew tolerated on `exp`/`nbf`, seconds. Default 5. */
  clockToleranceSeconds?: number;
  /**
   * Least time between two fetches of one JWKS, ms. Default 30 000: a token naming an unknown key
   * id refetches at most this often, so forged key ids cannot make the hub hammer the issuer.
   */
  jwksCooldownMs?: number;
}

interface IssuerKeys {
  config: TrustedIssuer;
  keys: JWTVerifyGetKey;
}

/** RFC 6750 `b64token`: what may follow `Bearer `. */
const BEARER = /^Bearer ([\w\-.~+/]+=*)$/i;

/**
 * The hub as an OAuth 2.1 resource server: verifies a bearer JWT on every request (signature
 * against the issuer's keys, `iss`, `aud` = this resource, `exp`, `nbf`, revocation) and maps
 * its claims to a {@link Principal} (`sub`, `scope`/`scp`, roles).
 */
export class BearerAuthenticator implements Authenticator {
  private readonly issuers = new Map<string, IssuerKeys>();
  private readonly tolerance: number;

  constructor(private readonly options: BearerAuthenticatorOptions) {
    this.tolerance = options.clockToleranceSeconds ?? 5;
    for (const config of options.issuers) {
      const keys = config.jwksUrl
        ? createRemoteJWKSet(new URL(config.jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: options.jwksCooldownMs ?? 30_000, timeoutDuration: 5000 })
        : createLocalJWKSet({ keys: config.keys as JWK[] });
      this.issuers.set(config.issuer, { config, keys });
    }
  }

  /** The issuers whose tokens are accepted (for the protected resource metadata). */
  get issuerNames(): string[] {
    return [...this.issuers.keys()];
  }

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    if (authorization === undefined || authorization === '') throw new AuthError(401, undefined, 'Authorization required: send a bearer token');
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AuthError(401, 'invalid_request', 'Authorization must be "Bearer <token>"');
    const payload = await this.verify(token);
    const principal = principalOf(payload, this.issuers.get(payload.iss!)!.config);
    const missing = (this.options.requiredScopes ?? []).filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0) throw new AuthError(403, 'insufficient_scope', `The token lacks the scope ${missing.join(' ')}`, this.options.requiredScopes);
    if (payload.jti !== undefined) await this.checkNotRevoked(payload.jti);
    return { principal, expiresAt: payload.exp! * 1000, ...(payload.jti !== undefined && { tokenId: payload.jti }) };
  }

  private async verify(token: string): Promise<JWTPayload> {
    let issuer: IssuerKeys | undefined;
    try {
      const claimed = decodeJwt(token).iss;
      issuer = claimed === undefined ? undefined : this.issuers.get(claimed);
    } catch {
      throw invalidToken('The token is not a JWT');
    }
    if (!issuer) throw invalidToken('The token was not issued by an authorization server this hub trusts');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, issuer.keys, {
        issuer: issuer.config.issuer,
        audience: this.options.resource,
        algorithms: issuer.config.algorithms ?? [...DEFAULT_ALGORITHMS],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: this.tolerance,
      }));
    } catch (error) {
      throw invalidToken(reasonOf(error));
    }
    const limit = this.options.lifetimeLimit;
    if (limit && payload.iss === limit.issuer && (payload.iat === undefined || (payload.exp! - payload.iat) * 1000 > limit.maxMs)) {
      throw invalidToken('The token lives longer than this hub allows');
    }
    return payload;
  }

  private async checkNotRevoked(tokenId: string): Promise<void> {
    const { revocations } = this.options;
    if (!revocations) return;
    let revoked: boolean;
    try {
      revoked = await revocations.isRevoked(tokenId);
    } catch (error) {
      if (error instanceof RevocationListUnavailable) throw new AuthError(503, undefined, 'Cannot check the token now; retry shortly');
      throw error;
    }
    if (revoked) throw invalidToken('The token was revoked');
  }
}

function invalidToken(description: string): AuthError {
  return new AuthError(401, 'invalid_token', description);
}

/** What the client reads for a token that does not verify: the reason, never the token's content. */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'The token is not for this resource (audience)';
    if (error.claim === 'iss') return 'The token was not issued by an authorization server this hub trusts';
    if (error.claim === 'nbf') return 'The token is not valid yet';
    return `The token's ${error.claim} claim is missing or invalid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'The token is signed with an algorithm this hub does not accept';
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return 'The token signature does not verify';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) return 'The token could not be verified';
  return 'The token could not be verified';
}

function principalOf(payload: JWTPayload, issuer: TrustedIssuer): Principal {
  const scopes = typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : Array.isArray(payload['scp']) ? payload['scp'] : [];
  const rawRoles = payload[issuer.rolesClaim];
  const roles = typeof rawRoles === 'string' ? rawRoles.split(' ').filter(Boolean) : rawRoles;
  const parsed = PrincipalSchema.safeParse({ id: payload.sub, scopes, ...(roles !== undefined && { roles }) });
  if (!parsed.success) throw invalidToken('The token\'s sub, scope or roles claim is malformed or too long');
  // `*` is the local principal's grant; no token confers it.
  return { ...parsed.data, scopes: parsed.data.scopes.filter((scope) => scope !== '*') };
}
