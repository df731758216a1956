import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export interface TokenClaims {
  sub?: string;
  scope?: string;
  aud?: string | string[];
  iss?: string;
  /** Seconds from now (negative: in the past). */
  expiresIn?: number;
  /** Seconds from now. */
  notBefore?: number;
  roles?: string[];
  jti?: string;
}

/**
 * An authorization server's signing side for tests: ES256 keys published as a JWKS on a
 * loopback HTTP server (so the hub fetches it as it would a real one), key rotation, and tokens
 * with any claims, including broken ones.
 */
export class TestIssuer {
  private keys: SigningKey[] = [];
  private server!: Server;
  jwksUrl!: string;
  jwksFetches = 0;

  constructor(
    readonly issuer: string,
    readonly audience: string,
  ) {}

  static async start(issuer: string, audience: string): Promise<TestIssuer> {
    const it = new TestIssuer(issuer, audience);
    await it.rotate();
    it.server = createServer((_req, res) => {
      it.jwksFetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: it.keys.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve) => it.server.listen(0, '127.0.0.1', resolve));
    it.jwksUrl = `http://127.0.0.1:${(it.server.address() as AddressInfo).port}/jwks`;
    return it;
  }

  /** A new signing key becomes current; the old one stays published (as during a real rotation). */
  async rotate(): Promise<void> {
    this.keys.unshift(await newKey());
  }

  /** The current public keys (for `keys` configuration instead of a JWKS URL). */
  publicKeys(): JWK[] {
    return this.keys.map((k) => k.publicJwk);
  }

  async token(claims: TokenClaims = {}, key: SigningKey = this.keys[0]!): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ scope: claims.scope ?? 'mcp', ...(claims.roles && { roles: claims.roles }) })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .setIssuer(claims.iss ?? this.issuer)
      .setAudience(claims.aud ?? this.audience)
      .setSubject(claims.sub ?? 'alice')
      .setIssuedAt(now)
      .setJti(claims.jti ?? randomUUID())
      .setExpirationTime(now + (claims.expiresIn ?? 300));
    if (claims.notBefore !== undefined) jwt.setNotBefore(now + claims.notBefore);
    return jwt.sign(key.privateKey);
  }

  /** A token signed by a key this issuer never published. */
  async tokenWithForeignKey(claims: TokenClaims = {}): Promise<string> {
    const foreign = await newKey();
    foreign.kid = this.keys[0]!.kid; // claims to be the published key
    return this.token(claims, foreign);
  }

  /** An unsecured JWT (`alg: none`) with valid-looking claims. */
  unsignedToken(claims: TokenClaims = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = { iss: this.issuer, aud: this.audience, sub: claims.sub ?? 'alice', scope: 'mcp', iat: now, exp: now + 300 };
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(payload)}.`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}
