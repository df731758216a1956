import { hash } from 'node:crypto';
import { canonicalJson } from '@mcp-hub/connector-contract';
import { Redactor } from '@mcp-hub/connector-kit';

/** Redacted arguments longer than this (characters of canonical JSON) are kept as a prefix. */
export const DEFAULT_MAX_ARGUMENT_CHARS = 4096;

/**
 * Keys whose value is a secret whatever it looks like (`{"password": "correct horse"}`: the
 * kit's patterns find `password=…` in text, not a JSON member, and stop at a space). Compared
 * with `-`, `_` and case removed, as substrings: `client_secret`, `X-Api-Key`, `githubToken`.
 */
const SECRET_KEY_PARTS = ['password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'apikey', 'authorization', 'credential', 'privatekey', 'accesskey', 'cookie'];

const MAX_DEPTH = 64;

/**
 * What the audit keeps of a call's arguments: the hash of the canonical arguments as sent, and a
 * copy with secrets masked (values under secret-named keys whole, and every string through the
 * connector kit's {@link Redactor}), cut to `maxChars` of JSON.
 */
export function redactedArguments(args: unknown, redactor: Redactor, maxChars = DEFAULT_MAX_ARGUMENT_CHARS): { argumentsHash: string; arguments: unknown; argumentsTruncated?: true } {
  // What the contract's canonicalHash computes, with the one-shot hash (cheaper per call).
  const argumentsHash = `sha256:${hash('sha256', canonicalJson(args), 'hex')}`;
  const redacted = mask(args, redactor, 0);
  const text = canonicalJson(redacted);
  if (text.length <= maxChars) return { argumentsHash, arguments: redacted };
  // A prefix of already-redacted text: cutting cannot uncover a secret.
  return { argumentsHash, arguments: text.slice(0, maxChars), argumentsTruncated: true };
}

function mask(value: unknown, redactor: Redactor, depth: number): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return Redactor.MASK;
  if (Array.isArray(value)) return value.map((item) => mask(item, redactor, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [redactor.redact(key), isSecretKey(key) && isMaskable(item) ? Redactor.MASK : mask(item, redactor, depth + 1)]),
  );
}

function isSecretKey(key: string): boolean {
  const folded = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEY_PARTS.some((part) => folded.includes(part));
}

/** Numbers, booleans and null under a secret-named key (`max_tokens: 100`) say nothing secret. */
function isMaskable(value: unknown): boolean {
  return typeof value === 'string' || (value !== null && typeof value === 'object');
}
