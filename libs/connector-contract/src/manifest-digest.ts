import { createHash } from 'node:crypto';
import type { Manifest } from './manifest';

/**
 * SHA-256 (hex) of a manifest in canonical form (keys sorted, `signature` left out), so that the
 * same content always gives the same digest whatever the key order on the wire.
 */
export function manifestDigest(manifest: Manifest): string {
  const { signature: _signature, ...unsigned } = manifest;
  return createHash('sha256').update(canonicalJson(unsigned)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
