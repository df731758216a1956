import { SignJWT, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { AuthError } from './auth-error';
import { BearerAuthenticator } from './bearer-authenticator';
import { metadataUrlFor } from './protected-resource-metadata';

const RESOURCE = 'https://hub.example.com/mcp';
const ISSUER = 'https://idp.example.com';

describe('BearerAuthenticator claims', () => {
  let privateKey: KeyLike;
  let jwk: JWK;
  let authenticator: BearerAuthenticator;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
    authenticator = new BearerAuthenticator({ resource: RESOURCE, issuers: [{ issuer: ISSUER, keys: [jwk as { kty: 'EC' }], rolesClaim: 'groups' }] });
  });

  async function token(claims: Record<string, unknown>, build: (jwt: SignJWT) => SignJWT = (jwt) => jwt.setSubject('alice').setExpirationTime('5m')) {
    return build(new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(ISSUER).setAudience(RESOURCE).setIssuedAt()).sign(privateKey);
  }

  async function refusal(bearer: string): Promise<string> {
    return authenticator.authenticate(`Bearer ${bearer}`).then(
      () => 'accepted',
      (e: unknown) => (e instanceof AuthError ? `${e.status} ${e.code}: ${e.description}` : String(e)),
    );
  }

  it('maps sub, a space-separated scope and the configured roles claim to the principal', async () => {
    const result = await authenticator.authenticate(`Bearer ${await token({ scope: 'a b', groups: ['support', 'oncall'] })}`);
    expect(result.principal).toEqual({ id: 'alice', scopes: ['a', 'b'], roles: ['support', 'oncall'] });
    expect(result.expiresAt).toBeGreaterThan(Date.now());
  });

  it('reads an scp array and a space-separated roles string', async () => {
    const result = await authenticator.authenticate(`Bearer ${await token({ scp: ['x', 'y'], groups: 'ops dev' })}`);
    expect(result.principal).toEqual({ id: 'alice', scopes: ['x', 'y'], roles: ['ops', 'dev'] });
  });

  it('never grants the local principal\'s "*" from a token', async () => {
    const result = await authenticator.authenticate(`Bearer ${await token({ scope: '* a' })}`);
    expect(result.principal.scopes).toEqual(['a']);
  });

  it('refuses a token without sub or exp, a malformed roles claim, and a symmetric algorithm', async () => {
    expect(await refusal(await token({}, (jwt) => jwt.setExpirationTime('5m')))).toMatch(/^401 invalid_token: The token's sub claim/);
    expect(await refusal(await token({}, (jwt) => jwt.setSubject('alice')))).toMatch(/^401 invalid_token: The token's exp claim/);
    expect(await refusal(await token({ groups: [1, 2] }))).toMatch(/^401 invalid_token: .*malformed/);
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer(ISSUER).setAudience(RESOURCE).setSubject('a').setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await refusal(hs)).toMatch(/^401 invalid_token: The token is signed with an algorithm/);
    expect(await refusal('not-a-jwt')).toBe('401 invalid_token: The token is not a JWT');
  });

  it('names the metadata URL as RFC 9728 builds it', () => {
    expect(metadataUrlFor('https://hub.example.com/mcp')).toBe('https://hub.example.com/.well-known/oauth-protected-resource/mcp');
    expect(metadataUrlFor('https://hub.example.com/')).toBe('https://hub.example.com/.well-known/oauth-protected-resource');
  });
});
