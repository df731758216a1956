import type { Redactor } from './redactor';
import { cleanUntrustedText } from './untrusted-text';

/** Longest upstream detail a tool error quotes, in characters. */
export const MAX_DETAIL_CHARS = 300;

/**
 * What an upstream said about a failure, fit to quote in a tool error: the message of a JSON
 * error body (`message`, `error_description`, `error` or `error.message`, `errors[0].message`,
 * `detail`, `title`), or the text of any other body; redacted, cleaned as third-party text, with
 * whitespace collapsed and cut to {@link MAX_DETAIL_CHARS}. Redaction runs before the cut, so a
 * secret is never shortened into a form the redactor no longer knows. Undefined when the body
 * says nothing useful (empty, or an HTML error page).
 */
export function upstreamErrorDetail(body: string, contentType: string | null, redactor: Redactor): string | undefined {
  if (contentType?.includes('html')) return undefined;
  const text = messageOf(body) ?? body;
  // Redacted before cleaning, which may change a secret's characters (NFC, control characters
  // stripped), and after, which may reveal one (decoded character references).
  const cleaned = redactor.redact(cleanUntrustedText(redactor.redact(text), { maxChars: 4096 })).replace(/\s+/g, ' ').trim();
  if (cleaned === '') return undefined;
  return cleaned.length <= MAX_DETAIL_CHARS ? cleaned : `${cleaned.slice(0, MAX_DETAIL_CHARS - 1)}…`;
}

function messageOf(body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  const error = value['error'];
  const errors = value['errors'];
  const first = Array.isArray(errors) ? errors[0] : undefined;
  const candidates = [
    value['message'],
    value['error_description'],
    error,
    isRecord(error) ? error['message'] : undefined,
    first,
    isRecord(first) ? first['message'] : undefined,
    value['detail'],
    value['title'],
  ];
  const found = candidates.filter((c): c is string => typeof c === 'string' && c.trim() !== '');
  return found.length > 0 ? found.slice(0, 2).join(': ') : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
