import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';

/**
 * Deepest nesting of arrays and objects a request body may have. MCP messages nest a few
 * levels (tool arguments a dozen at most); JSON.parse copes with 100k levels, but everything
 * after it that recurses (JSON.stringify, zod, Ajv) overflows the stack.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Reads and parses a JSON request body once, refusing more than `limit` bytes as soon as the
 * declared or received size passes it (the SDK's own limit does not apply to a pre-parsed body),
 * and bodies nested deeper than {@link MAX_JSON_DEPTH} before they are parsed.
 * @throws HttpError 413, or 400 with -32700 (not JSON) or -32600 (too deep)
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, -32600, `Request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, -32600, `Request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    throw new HttpError(400, -32600, `Invalid Request: the body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, -32700, 'Parse error: the body is not valid JSON');
  }
}

/** One linear pass over the text, brackets inside strings ignored; no recursion, so any depth is safe to measure. */
function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
