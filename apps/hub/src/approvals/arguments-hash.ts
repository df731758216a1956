import { createHash } from 'node:crypto';
import { canonicalJson } from '@mcp-hub/connector-contract';

/**
 * What an approval is bound to: SHA-256 (hex) of the arguments as canonical JSON (keys sorted at
 * every depth, no whitespace), so the same call hashes the same whatever its key order, and any
 * other value, key or nesting hashes differently.
 */
export function argumentsHash(args: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(args)).digest('hex');
}
