import { z } from 'zod';

/** Algorithms accepted unless an issuer names its own: asymmetric only (never `none`, never HMAC). */
export const DEFAULT_ALGORITHMS = ['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256', 'RS384', 'RS512'] as const;

/** A public JWK as configured (`kty` and the key's own members; nothing private is accepted). */
const PublicJwkSchema = z
  .looseObject({ kty: z.enum(['OKP', 'EC', 'RSA']), kid: z.string().max(200).optional() })
  .refine((jwk) => !('d' in jwk), { message: 'a private key was given: configure public keys only' });

/**
 * An authorization server whose access tokens the hub accepts: its `iss`, and where its signing
 * keys come from, a JWKS URL (fetched on first use, cached, fetched again when a token names a
 * key id it does not hold, which is how rotation reaches the hub) or keys given in configuration.
 */
export const TrustedIssuerSchema = z
  .strictObject({
    issuer: z.string().min(1).max(2048),
    jwksUrl: z.url().optional(),
    keys: z.array(PublicJwkSchema).min(1).max(20).optional(),
    algorithms: z.array(z.string().min(1).max(20)).min(1).max(20).optional(),
    /** Claim holding the caller's roles or groups (array or space-separated string). Default `roles`. */
    rolesClaim: z.string().min(1).max(100).default('roles'),
  })
  .refine((i) => (i.jwksUrl === undefined) !== (i.keys === undefined), { message: 'give exactly one of jwksUrl and keys' });
export type TrustedIssuer = z.infer<typeof TrustedIssuerSchema>;
