import { decodeCharacterReferences } from './decode-character-references';
import { stripInvisible } from './strip-invisible';

/**
 * Third-party text (messages, ticket bodies, database strings, device payloads) is untrusted: it
 * can carry instructions aimed at the model, and markup that a client renders and fetches.
 *
 * Every step is a forward scan (no regex that can backtrack over the text), so cleaning costs
 * time linear in `maxChars` whatever the text holds: one field of 64 KiB built to make regexes
 * backtrack took seconds before (issue 9, H3), and takes milliseconds now.
 */
export interface CleanOptions {
  /**
   * Longest input looked at, in UTF-16 code units. The rest is dropped before any other work,
   * so cut every field to what the caller will show, or a little more, not after cleaning.
   */
  maxChars: number;
}

/**
 * Cleans third-party text for a model and for clients that render Markdown or HTML:
 * - cuts the input to `maxChars` first (never splitting a surrogate pair);
 * - removes invisible and control characters by class and terminal escape sequences whole
 *   (see `stripInvisible`);
 * - reduces raw HTML to text: tags and comments dropped, script and style bodies dropped,
 *   `<img>` becomes `[image: alt]`, `<br>` a line break;
 * - decodes character references to a fixed point, then escapes: no `<` or `>` is left (nor
 *   their fullwidth and small forms), they become `‹` and `›`, so the text holds no tag at all,
 *   however it was nested or encoded;
 * - defuses Markdown images of every form (inline, reference, collapsed, shortcut): each
 *   becomes `[image: alt]`, and no `![` is left for a client to fetch.
 * The result is NFC-normalised. The caller still marks the value `untrusted: true` with its
 * source in structured output, and fences it with `fenceUntrusted` in text for a model.
 */
export function cleanUntrustedText(text: string, options: CleanOptions): string {
  const visible = stripInvisible(cutToChars(text, options.maxChars));
  const plain = decodeCharacterReferences(reduceHtml(visible)).normalize('NFC');
  return defuseMarkdownImages(escapeAngleBrackets(plain)).replaceAll('![', '! [');
}

/** `text` cut to at most `maxChars` UTF-16 code units, without leaving half a surrogate pair. */
function cutToChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const end = Math.max(0, Math.floor(maxChars));
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

const LEFT_ANGLES = /[<\uFF1C\uFE64]/g;
const RIGHT_ANGLES = /[>\uFF1E\uFE65]/g;

/** Angle brackets become single guillemets: the text reads the same and no parser sees a tag. */
export function escapeAngleBrackets(text: string): string {
  return text.replace(LEFT_ANGLES, '‹').replace(RIGHT_ANGLES, '›');
}

/**
 * Finds needles at or after positions that never move back. A needle found once is reused
 * until the scan passes it, and a needle not found is never looked for again, so all searches
 * together read the text once per needle (searching from every `<` would read it once per `<`).
 */
function forwardSearch(haystack: string): (needle: string, from: number) => number {
  const found = new Map<string, number>();
  return (needle, from) => {
    const last = found.get(needle);
    if (last !== undefined && (last === -1 || last >= from)) return last;
    const at = haystack.indexOf(needle, from);
    found.set(needle, at);
    return at;
  };
}

const DROPPED_WITH_CONTENT = new Set(['script', 'style']);

/** Raw HTML to text. A `<` that opens no complete tag is left for `escapeAngleBrackets`. */
function reduceHtml(text: string): string {
  if (!text.includes('<')) return text;
  const lower = text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  const find = forwardSearch(lower);
  const parts: string[] = [];
  let kept = 0;
  for (let i = text.indexOf('<'); i >= 0 && i < text.length; i = text.indexOf('<', i)) {
    const tag = readTag(text, lower, i, find);
    if (!tag) {
      i++;
      continue;
    }
    parts.push(text.slice(kept, i), tag.replacement);
    kept = i = tag.end;
  }
  parts.push(text.slice(kept));
  return parts.join('');
}

interface Tag {
  /** Index just after the tag (and after the body of a script or style element). */
  end: number;
  replacement: string;
}

function readTag(text: string, lower: string, start: number, find: (needle: string, from: number) => number): Tag | undefined {
  if (lower.startsWith('<!--', start)) {
    const close = find('-->', start + 4);
    return close < 0 ? undefined : { end: close + 3, replacement: '' };
  }
  const next = lower[start + 1] ?? '';
  const closing = next === '/';
  const nameStart = closing ? start + 2 : start + 1;
  if (!isAsciiLetter(lower[nameStart] ?? '') && next !== '!' && next !== '?') return undefined;
  const close = find('>', nameStart);
  if (close < 0) return undefined;
  let nameEnd = nameStart;
  while (nameEnd < close && /[a-z0-9-]/.test(lower[nameEnd]!)) nameEnd++;
  // `<a@b.com>` is an address in a text, not an element: a tag name ends at a space, `/` or `>`.
  if (next !== '!' && next !== '?' && !/[\s/>]/.test(lower[nameEnd]!)) return undefined;
  const name = lower.slice(nameStart, nameEnd);
  if (!closing && DROPPED_WITH_CONTENT.has(name)) {
    const endTag = find(`</${name}`, close + 1);
    const endTagClose = endTag < 0 ? -1 : find('>', endTag);
    // Unclosed, only the start tag goes: dropping the rest would let one `<script>` hide a whole text.
    return { end: endTagClose < 0 ? close + 1 : endTagClose + 1, replacement: '' };
  }
  if (closing) return { end: close + 1, replacement: '' };
  if (name === 'img') return { end: close + 1, replacement: imageMarker(attribute(text.slice(start, close), lower.slice(start, close), 'alt')) };
  if (name === 'br') return { end: close + 1, replacement: '\n' };
  return { end: close + 1, replacement: '' };
}

function isAsciiLetter(char: string): boolean {
  return char.length === 1 && char >= 'a' && char <= 'z';
}

/** The value of attribute `name` in a start tag, quoted or not; `lowerTag` is `tag` with ASCII lower-cased. */
function attribute(tag: string, lowerTag: string, name: string): string | undefined {
  for (let at = lowerTag.indexOf(name); at >= 0; at = lowerTag.indexOf(name, at + 1)) {
    if (!/[\s/"']/.test(lowerTag[at - 1] ?? '')) continue;
    let k = at + name.length;
    while (/\s/.test(tag[k] ?? '')) k++;
    if (tag[k] !== '=') continue;
    k++;
    while (/\s/.test(tag[k] ?? '')) k++;
    const quote = tag[k];
    if (quote === '"' || quote === "'") {
      const end = tag.indexOf(quote, k + 1);
      return tag.slice(k + 1, end < 0 ? tag.length : end);
    }
    let end = k;
    while (end < tag.length && !/[\s/]/.test(tag[end]!)) end++;
    return tag.slice(k, end);
  }
  return undefined;
}

function imageMarker(alt: string | undefined): string {
  const description = (alt ?? '').replaceAll('[', '(').replaceAll(']', ')').trim();
  return `[image: ${description || 'no description'}]`;
}

/**
 * `![alt](url)`, `![alt][ref]`, `![alt][]` and `![alt]` all become `[image: alt]`. A link
 * destination may not cross a line, so a `)` on a later line does not swallow the text between.
 */
function defuseMarkdownImages(text: string): string {
  if (!text.includes('![')) return text;
  const find = forwardSearch(text);
  const parts: string[] = [];
  let kept = 0;
  for (let i = text.indexOf('!['); i >= 0; i = text.indexOf('![', i)) {
    const altEnd = find(']', i + 2);
    if (altEnd < 0) break;
    let end = altEnd + 1;
    const opener = text[end];
    if (opener === '(' || opener === '[') {
      const closer = find(opener === '(' ? ')' : ']', end + 1);
      const lineEnd = find('\n', end + 1);
      if (closer >= 0 && (lineEnd < 0 || closer < lineEnd)) end = closer + 1;
    }
    parts.push(text.slice(kept, i), imageMarker(text.slice(i + 2, altEnd)));
    kept = i = end;
  }
  parts.push(text.slice(kept));
  return parts.join('');
}

/** The mark every connector puts beside third-party content in structured output. */
export interface UntrustedMark {
  untrusted: true;
  /** Where the text came from, e.g. `helpdesk:ticket:42`. */
  source: string;
}

export function untrusted(source: string): UntrustedMark {
  return { untrusted: true, source };
}
