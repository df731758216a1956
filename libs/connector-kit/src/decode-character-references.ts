import { isInvisible } from './strip-invisible';

/**
 * Named references decoded: the ones that spell markup or markdown syntax, plus the common
 * ones. Any other name stays as written, which is harmless: it cannot become a tag or an image.
 */
const NAMED: Readonly<Record<string, string>> = {
  lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: ' ',
  excl: '!', lsqb: '[', lbrack: '[', rsqb: ']', rbrack: ']', lpar: '(', rpar: ')', sol: '/', bsol: '\\',
  colon: ':', semi: ';', num: '#', equals: '=', quest: '?', period: '.', comma: ',', percnt: '%', grave: '`',
};
/** HTML also decodes these without the semicolon (`&lt` in text is `<`); longest first, for prefix matching. */
const LEGACY = ['quot', 'amp', 'lt', 'gt'];
/** Longest reference looked for, after the `&`; a longer run of letters is plain text. */
const MAX_NAME = 32;
const REPLACEMENT = '\uFFFD';

/**
 * Decodes HTML character references (named as in `NAMED`, case-insensitively; decimal; hex;
 * legacy ones without `;`) until none is left, as if decoding were repeated to a fixed point:
 * `&amp;lt;` and `&&#108;t;` both become `<`. Decoded invisible or control characters are
 * dropped. Linear time: a reference is looked for at most `MAX_NAME` characters back, and
 * every decoding shortens the text.
 */
export function decodeCharacterReferences(text: string): string {
  if (!text.includes('&')) return text;
  const out: string[] = [];
  // Characters to handle before the next input character, last first: a decoded character can
  // complete or start another reference with what follows it.
  const pending: string[] = [];
  let i = 0;
  for (;;) {
    const char = pending.pop() ?? text[i++];
    if (char !== undefined && isNameChar(char)) {
      out.push(char);
      continue;
    }
    // `char` (or the end of the text) ends any reference that is open in `out`.
    const amp = openReference(out);
    const decoded = amp < 0 ? undefined : decode(out.slice(amp + 1).join(''), char === ';');
    if (decoded) {
      out.length = amp;
      if (char !== undefined && !decoded.usedSemicolon) pending.push(char);
      for (let k = decoded.rest.length - 1; k >= 0; k--) pending.push(decoded.rest[k]!);
      if (!isInvisible(decoded.char)) pending.push(decoded.char);
      continue;
    }
    if (char === undefined) break;
    out.push(char);
  }
  return out.join('');
}

function isNameChar(char: string): boolean {
  const code = char.charCodeAt(0);
  return char.length === 1 && ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x23);
}

/** Index in `out` of an `&` followed only by name characters (at most `MAX_NAME`), or -1. */
function openReference(out: readonly string[]): number {
  for (let k = out.length - 1; k >= 0 && out.length - k <= MAX_NAME + 1; k--) {
    if (out[k] === '&') return k;
    if (!isNameChar(out[k]!)) return -1;
  }
  return -1;
}

interface Decoded {
  char: string;
  /** Name characters after the part that was decoded (a legacy prefix or digits), to read again. */
  rest: string;
  usedSemicolon: boolean;
}

function decode(name: string, semicolon: boolean): Decoded | undefined {
  if (name.startsWith('#')) {
    const hex = name[1] === 'x' || name[1] === 'X';
    const start = hex ? 2 : 1;
    let end = start;
    while (end < name.length && (hex ? /[0-9a-f]/i : /[0-9]/).test(name[end]!)) end++;
    if (end === start) return undefined;
    const rest = name.slice(end);
    return { char: fromCodePoint(parseInt(name.slice(start, end), hex ? 16 : 10)), rest, usedSemicolon: semicolon && rest === '' };
  }
  const lower = name.toLowerCase();
  const named = semicolon ? NAMED[lower] : undefined;
  if (named !== undefined) return { char: named, rest: '', usedSemicolon: true };
  const legacy = LEGACY.find((prefix) => lower.startsWith(prefix));
  return legacy === undefined ? undefined : { char: NAMED[legacy]!, rest: name.slice(legacy.length), usedSemicolon: false };
}

/** As HTML does: NUL, surrogates and values beyond Unicode become U+FFFD. */
function fromCodePoint(code: number): string {
  if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return REPLACEMENT;
  return String.fromCodePoint(code);
}
