import type { ResourceReadResult, ToolResult } from '@mcp-hub/connector-contract';

/** How the kit fences third-party text in a text block (`fenceUntrusted`). */
const FENCE = '<untrusted-content nonce=';
/** How an `untrusted(…)` mark reads in JSON text (a resource's contents). */
const JSON_MARK = /"untrusted"\s{0,3}:\s{0,3}true/;
const MAX_DEPTH = 32;

/**
 * The source of the first untrusted-content mark in a tool result, or undefined when it has
 * none: connectors put `{ untrusted: true, source }` beside third-party text in structured
 * output, and fence it in text (docs/connector-conventions.md, 5).
 */
export function untrustedSourceOfResult(result: ToolResult): string | undefined {
  const marked = result.structuredContent && markIn(result.structuredContent, 0);
  if (marked) return marked;
  for (const block of result.content) if (block.type === 'text' && block.text.includes(FENCE)) return 'fenced text';
  return undefined;
}

/** The same for a resource read: its text contents, fenced or carrying the JSON mark. */
export function untrustedSourceOfResource(result: ResourceReadResult): string | undefined {
  for (const content of result.contents) {
    const text = 'text' in content && typeof content.text === 'string' ? content.text : undefined;
    if (text && (text.includes(FENCE) || JSON_MARK.test(text))) return content.uri;
  }
  return undefined;
}

function markIn(value: unknown, depth: number): string | undefined {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = markIn(item, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (record.untrusted === true) return typeof record.source === 'string' ? record.source.slice(0, 200) : 'unnamed source';
  for (const item of Object.values(record)) {
    const found = markIn(item, depth + 1);
    if (found) return found;
  }
  return undefined;
}
