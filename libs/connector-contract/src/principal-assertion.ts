import { z } from 'zod';
import { ConnectorIdSchema } from './names';
import { PrincipalSchema, type Principal } from './invocation';

/**
 * The hub's signed statement of who a call is for, sent to a connector in the
 * `Mcphub-Assertion` header of every request: a compact JWS (EdDSA, Ed25519) whose claims are
 * {@link PrincipalAssertionClaimsSchema}. The connector kit verifies it against the hub's public
 * key before any handler runs, so a connector trusts the principal without trusting the bus.
 */
export const PRINCIPAL_ASSERTION_ISSUER = 'mcp-hub';
/** The JWS `typ` header: an assertion is not an access token and is accepted as nothing else. */
export const PRINCIPAL_ASSERTION_TYPE = 'mcphub-assertion+jwt';
/** How long an assertion is valid after it is signed, unless configured. A few minutes: a call starts within its deadline. */
export const DEFAULT_PRINCIPAL_ASSERTION_TTL_MS = 2 * 60_000;

export const PrincipalAssertionClaimsSchema = z.object({
  iss: z.literal(PRINCIPAL_ASSERTION_ISSUER),
  /** The principal's id. */
  sub: PrincipalSchema.shape.id,
  /** The connector the call is for: an assertion for one connector is refused by every other. */
  aud: ConnectorIdSchema,
  /** The invocation id of the request it travels with: it is good for that request only. */
  jti: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  /** Space-separated scopes. */
  scope: z.string().max(20_200),
  roles: PrincipalSchema.shape.roles,
  iat: z.number().int(),
  exp: z.number().int(),
});
export type PrincipalAssertionClaims = z.infer<typeof PrincipalAssertionClaimsSchema>;

/** The claims for `principal` calling `connector` in invocation `invocationId`, valid `ttlMs` from `now`. */
export function principalAssertionClaims(principal: Principal, connector: string, invocationId: string, ttlMs: number, now = Date.now()): PrincipalAssertionClaims {
  const iat = Math.floor(now / 1000);
  return {
    iss: PRINCIPAL_ASSERTION_ISSUER,
    sub: principal.id,
    aud: connector,
    jti: invocationId,
    scope: principal.scopes.join(' '),
    ...(principal.roles && { roles: principal.roles }),
    iat,
    exp: iat + Math.max(1, Math.ceil(ttlMs / 1000)),
  };
}

/** The principal an assertion's verified claims name. */
export function principalOfAssertion(claims: PrincipalAssertionClaims): Principal {
  return { id: claims.sub, scopes: claims.scope.split(' ').filter(Boolean), ...(claims.roles && { roles: claims.roles }) };
}
