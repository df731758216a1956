import { createHash } from 'node:crypto';
import { z } from 'zod';
import { cleanUntrustedText } from '@mcp-hub/connector-kit';

/** Characters of one text payload (or one JSON string) shown at most. */
const MAX_TEXT_CHARS = 4000;
/** JSON nesting shown; deeper values are replaced by a marker (a device cannot make us recurse without end). */
const MAX_DEPTH = 16;
/** Bytes of a binary payload shown as hex. */
const HEX_PREVIEW_BYTES = 32;

/**
 * A payload as a model sees it. Payloads are third-party data: JSON when the bytes are UTF-8 and
 * parse as JSON (every string in it, keys too, cleaned with the kit's `cleanUntrustedText`),
 * else text when they are UTF-8 (cleaned), else a summary of the bytes (size, SHA-256, a hex
 * preview): never raw bytes.
 */
export const PayloadViewSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('json'), json: z.unknown() }),
  z.object({ format: z.literal('text'), text: z.string() }),
  z.object({ format: z.literal('bytes'), sha256: z.string(), hex_preview: z.string() }),
]);
export type PayloadView = z.infer<typeof PayloadViewSchema>;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function viewPayload(payload: Buffer): PayloadView {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return {
      format: 'bytes',
      sha256: createHash('sha256').update(payload).digest('hex'),
      hex_preview: payload.subarray(0, HEX_PREVIEW_BYTES).toString('hex'),
    };
  }
  const json = parseJson(text);
  if (json !== undefined) return { format: 'json', json: cleanJson(json.value, 0) };
  return { format: 'text', text: clean(text) };
}

/**
 * The number a payload stands for: a JSON number, a number at `field` (a dot path into a JSON
 * object, `a.b`), or a text payload that is a finite decimal number (`21.5`). Undefined otherwise.
 */
export function numericValue(payload: Buffer, field?: string): number | undefined {
  const text = payload.toString('utf8');
  const json = parseJson(text);
  let value: unknown = json?.value;
  if (field !== undefined) {
    for (const key of field.split('.')) value = isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
  } else if (json === undefined) {
    value = /^\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : undefined;
  }
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function parseJson(text: string): { value: unknown } | undefined {
  const start = text.trimStart()[0];
  // Only objects, arrays, strings and numbers count as JSON: `true` or `null` as a whole payload reads as well as text.
  if (start === undefined || !'{["-0123456789'.includes(start)) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function cleanJson(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return clean(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) return value.map((item) => cleanJson(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [clean(key), cleanJson(item, depth + 1)]));
}

function clean(text: string): string {
  return cleanUntrustedText(text, { maxChars: MAX_TEXT_CHARS });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
