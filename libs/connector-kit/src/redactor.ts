/**
 * Removes secrets from text before it leaves a connector: error messages, log lines, results.
 * It knows two kinds of secret:
 *  - values registered at start (passwords, tokens, connection strings of this connector's
 *    upstreams), matched exactly, also in their URL-encoded and JSON-escaped forms;
 *  - anything shaped like a credential: the userinfo of `scheme://user:password@host`,
 *    `password=…`-style pairs, `Bearer …`, and the well-known token formats (GitHub, Slack,
 *    AWS access key ids, OpenAI-style keys, JWTs, PEM private keys).
 * Every scan is linear in the length of the text (no backtracking patterns: this runs on
 * upstream text, which an attacker may shape).
 */
export class Redactor {
  static readonly MASK = '[redacted]';
  private secrets: string[] = [];

  /** @param secrets values to mask wherever they appear (shorter than 4 characters are ignored: they would mask ordinary text). */
  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.register(secret);
  }

  /** Adds a value to mask, with its URL-encoded, URL-decoded and JSON-escaped forms; for a URL, also its password. */
  register(secret: string | undefined): this {
    if (!secret || secret.length < 4) return this;
    const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
    try {
      forms.add(decodeURIComponent(secret));
    } catch {
      // not URL-encoded
    }
    const password = urlPassword(secret);
    if (password) this.register(password);
    // Longest first, so that a secret containing another is masked whole.
    this.secrets = [...new Set([...this.secrets, ...[...forms].filter((form) => form.length >= 4)])].sort((a, b) => b.length - a.length);
    return this;
  }

  /** The text with every registered secret and every credential-shaped span masked. */
  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) if (result.includes(secret)) result = result.split(secret).join(Redactor.MASK);
    result = maskUrlCredentials(result);
    result = maskPemKeys(result);
    for (const pattern of CREDENTIAL_PATTERNS) result = result.replace(pattern, (match, ...groups) => maskMatch(match, groups));
    return result;
  }

  /** A copy of a JSON-like value with every string (keys included) redacted. */
  redactDeep<T>(value: T): T {
    return redactValue(value, this, 0) as T;
  }

  /** An error reduced to its redacted message (never its stack). */
  messageOf(error: unknown): string {
    return this.redact(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Key/value and token shapes. Each starts at a fixed literal or a word boundary and consumes a
 * bounded class, so a global scan stays linear.
 */
const CREDENTIAL_PATTERNS: RegExp[] = [
  // password=…, "api_key": "…", secret: …  (group 1 kept, group 2 masked)
  /\b((?:password|passwd|pwd|secret|client_secret|token|access_token|refresh_token|api_key|apikey|api-key|access_key|private_key)"?\s{0,3}[=:]\s{0,3}"?)([^\s"',;&]{1,512})/gi,
  // Authorization: Bearer …, Basic …
  /\b((?:Bearer|Basic|token)\s)([\w.~+/=-]{8,4096})/g,
  // GitHub tokens
  /\b()(gh[pousr]_\w{20,255}|github_pat_\w{20,255})/g,
  // Slack tokens
  /\b()(xox[abposr]-[\w-]{10,255})/g,
  // AWS access key ids
  /\b()((?:AKIA|ASIA)[0-9A-Z]{16})\b/g,
  // OpenAI-style secret keys
  /\b()(sk-[\w-]{20,255})/g,
  // JWTs (three base64url parts)
  /\b()(eyJ[\w-]{4,4096}\.eyJ[\w-]{4,4096}\.[\w-]{0,4096})/g,
];

function maskMatch(match: string, groups: unknown[]): string {
  const kept = typeof groups[0] === 'string' ? groups[0] : '';
  return match.startsWith(kept) ? `${kept}${Redactor.MASK}` : Redactor.MASK;
}

/** `scheme://user:password@` → `scheme://user:[redacted]@`, found by `://` and a bounded forward scan. */
function maskUrlCredentials(text: string): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    const start = at + 3;
    let end = start;
    // userinfo ends at '@'; a '/', whitespace or quote first means there is none
    while (end < text.length && end - start < 1024 && !STOP.has(text[end]!)) end++;
    if (text[end] !== '@') continue;
    const colon = text.indexOf(':', start);
    if (colon < 0 || colon >= end) continue;
    out += `${text.slice(from, colon + 1)}${Redactor.MASK}`;
    from = end;
    at = end - 2;
  }
  return out + text.slice(from);
}

const STOP = new Set(['/', '@', ' ', '\t', '\n', '\r', '"', "'", '<', '>']);

/** PEM private key blocks, found with indexOf (a lazy `[\s\S]*?` would be quadratic on many BEGINs). */
function maskPemKeys(text: string): string {
  const begin = '-----BEGIN ';
  let out = '';
  let from = 0;
  for (let at = text.indexOf(begin); at >= 0; at = text.indexOf(begin, at + begin.length)) {
    const header = text.indexOf('-----', at + begin.length);
    if (header < 0 || !text.slice(at + begin.length, header).endsWith('PRIVATE KEY')) continue;
    const endMarker = text.indexOf('-----END ', header + 5);
    const close = endMarker < 0 ? -1 : text.indexOf('-----', endMarker + 9);
    const stop = close < 0 ? text.length : close + 5;
    out += `${text.slice(from, at)}${Redactor.MASK}`;
    from = stop;
    at = stop - begin.length;
  }
  return out + text.slice(from);
}

function urlPassword(value: string): string | undefined {
  if (!value.includes('://')) return undefined;
  try {
    const password = new URL(value).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

const MAX_DEPTH = 64;

function redactValue(value: unknown, redactor: Redactor, depth: number): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [redactor.redact(key), redactValue(item, redactor, depth + 1)]));
}
