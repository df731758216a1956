import { canonicalHash } from './canonical-json';
import type { Manifest } from './manifest';

/**
 * SHA-256 (hex) of a manifest in canonical form (keys sorted, `signature` left out), so that the
 * same content always gives the same digest whatever the key order on the wire.
 */
export function manifestDigest(manifest: Manifest): string {
  const { signature: _signature, ...unsigned } = manifest;
  return canonicalHash(unsigned);
}
