import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT, exportJWK, type JWK } from 'jose';
import type { Principal } from '@mcp-hub/connector-contract';
import { hubTokenKeyId } from './hub-token-issuer';

/** Default and ceiling of a hub-minted token's life unless configured (`auth.hubTokens.maxTtlMinutes`). */
export const DEFAULT_MAX_TOKEN_TTL_MS = 60 * 60_000;

export interface HubTokenSignerOptions {
  /** Ed25519 private key, PKCS #8 PEM. */
  privateKeyPem: string;
  /** `iss` of the tokens: the hub's resource URL unless configured. */
  issuer: string;
  /** `aud`: the hub's resource URL (RFC 8707), the one its authenticator checks. */
  audience: string;
  /** Longest life a token may be given, ms. Default {@link DEFAULT_MAX_TOKEN_TTL_MS}. */
  maxTtlMs?: number;
}

/** A token as minted: hand `token` to the client, keep `tokenId` to revoke it. */
export interface MintedToken {
  token: string;
  tokenId: string;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * Mints the hub's own short-lived access tokens (`mcp-hub token create`): EdDSA JWTs for one
 * principal and scopes, with a `jti` a revocation can name. The hub verifies them like any
 * issuer's, with the public half of the same key.
 */
export class HubTokenSigner {
  private readonly privateKey: KeyObject;
  readonly maxTtlMs: number;
  readonly keyId: string;

  constructor(private readonly options: HubTokenSignerOptions) {
    this.privateKey = createPrivateKey(options.privateKeyPem);
    if (this.privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`the hub token key must be Ed25519, got ${this.privateKey.asymmetricKeyType}`);
    this.maxTtlMs = options.maxTtlMs ?? DEFAULT_MAX_TOKEN_TTL_MS;
    this.keyId = hubTokenKeyId(createPublicKey(this.privateKey));
  }

  get issuer(): string {
    return this.options.issuer;
  }

  /** The verification key, as configured on hubs that only verify. */
  async publicJwk(): Promise<JWK> {
    return { ...(await exportJWK(createPublicKey(this.privateKey))), kid: this.keyId, alg: 'EdDSA', use: 'sig' };
  }

  /** @throws RangeError when `ttlMs` is not positive or exceeds the maximum. */
  async mint(principal: Principal, ttlMs: number, now = Date.now()): Promise<MintedToken> {
    if (!(ttlMs > 0) || ttlMs > this.maxTtlMs) throw new RangeError(`ttl must be between 1 s and ${Math.floor(this.maxTtlMs / 60_000)} min (the configured maximum)`);
    const tokenId = randomUUID();
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.max(1, Math.floor(ttlMs / 1000));
    const token = await new SignJWT({ scope: principal.scopes.join(' '), ...(principal.roles && { roles: principal.roles }) })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: this.keyId })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(principal.id)
      .setJti(tokenId)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .sign(this.privateKey);
    return { token, tokenId, expiresAt: exp * 1000 };
  }
}
