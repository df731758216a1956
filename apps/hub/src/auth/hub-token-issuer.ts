import { createPublicKey, type KeyObject } from 'node:crypto';
import { exportJWK } from 'jose';
import type { TrustedIssuer } from './trusted-issuer';

/** The key id of a hub token key: derived from its public half, so minting and verifying hubs agree without configuring one. */
export function hubTokenKeyId(publicKey: KeyObject): string {
  return `hub-${publicKey.export({ format: 'der', type: 'spki' }).subarray(-8).toString('hex')}`;
}

/**
 * The hub's own token issuer as a trusted issuer: EdDSA only, verified with the public half of
 * `pem` (a private key, on hubs that also mint, or the public key alone).
 */
export async function hubTokenIssuer(pem: string, issuer: string): Promise<TrustedIssuer> {
  const publicKey = createPublicKey(pem);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`the hub token key must be Ed25519, got ${publicKey.asymmetricKeyType}`);
  const jwk = { ...(await exportJWK(publicKey)), kid: hubTokenKeyId(publicKey), alg: 'EdDSA', use: 'sig' };
  return { issuer, keys: [jwk] as NonNullable<TrustedIssuer['keys']>, algorithms: ['EdDSA'], rolesClaim: 'roles' };
}
