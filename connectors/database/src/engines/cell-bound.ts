/**
 * What one cell costs in a result, and the cut that keeps it within a byte budget. Engines apply
 * it where rows are produced (the SQLite worker has its own copy, it runs in a child process),
 * so an oversize value is never carried further than the driver that read it.
 */
export interface BoundedCell {
  value: unknown;
  /** Approximate JSON size in bytes: UTF-8 length of text, twice the length of binary (shown as hex). */
  bytes: number;
  /** True when `value` is a cut prefix of the original. */
  cut: boolean;
}

/**
 * Cuts text to at most `maxBytes` UTF-8 bytes (on a character boundary) and binary to
 * `maxBytes / 2` bytes. Objects (JSON documents) that are too large become their cut JSON text.
 * Other values pass unchanged.
 */
export function boundCell(value: unknown, maxBytes: number): BoundedCell {
  if (typeof value === 'string') return boundText(value, maxBytes);
  if (value instanceof Uint8Array) {
    const limit = Math.floor(maxBytes / 2);
    if (value.length <= limit) return { value, bytes: value.length * 2 + 4, cut: false };
    return { value: Buffer.from(value.subarray(0, limit)), bytes: limit * 2 + 4, cut: true };
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const text = JSON.stringify(value) ?? '';
    if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return { value, bytes: Buffer.byteLength(text), cut: false };
    return boundText(text, maxBytes);
  }
  return { value, bytes: 24, cut: false };
}

function boundText(text: string, maxBytes: number): BoundedCell {
  // Fast path: even at 3 bytes per UTF-16 unit the text fits.
  if (text.length * 3 <= maxBytes) return { value: text, bytes: Buffer.byteLength(text) + 2, cut: false };
  const head = Buffer.from(text.length > maxBytes ? text.slice(0, maxBytes) : text);
  if (text.length <= maxBytes && head.length <= maxBytes) return { value: text, bytes: head.length + 2, cut: false };
  let end = Math.min(maxBytes, head.length);
  // Back off to the start of a UTF-8 sequence so no character is split.
  while (end > 0 && (head[end]! & 0xc0) === 0x80) end--;
  return { value: head.subarray(0, end).toString('utf8'), bytes: end + 2, cut: true };
}
