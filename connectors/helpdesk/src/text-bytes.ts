import { ToolError } from '@mcp-hub/connector-kit';

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateToBytes(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back off continuation bytes
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/** @throws ToolError('invalid_arguments') naming `field` when `text` is longer than `maxBytes` UTF-8 bytes. */
export function assertWithinBytes(field: string, text: string | undefined, maxBytes: number): void {
  if (text === undefined) return;
  const size = Buffer.byteLength(text, 'utf8');
  if (size > maxBytes) throw new ToolError('invalid_arguments', `${field} is ${size} bytes; the limit is ${maxBytes}. Shorten it.`);
}

/** The longest prefix of `items` whose texts add up to at most `budgetBytes` UTF-8 bytes. */
export function prefixWithinBytes<T>(items: readonly T[], text: (item: T) => string, budgetBytes: number): T[] {
  let used = 0;
  const kept: T[] = [];
  for (const item of items) {
    used += Buffer.byteLength(text(item), 'utf8');
    if (used > budgetBytes) break;
    kept.push(item);
  }
  return kept;
}
