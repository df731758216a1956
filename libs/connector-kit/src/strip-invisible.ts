/**
 * Characters a human reviewer cannot see but a model reads, by class rather than by list:
 * controls other than tab, line feed and carriage return; format characters (bidi overrides,
 * zero-width joiners, Arabic letter mark U+061C, Unicode tags); every default-ignorable code
 * point (variation selectors, U+034F, Hangul fillers); the braille blank U+2800, which renders
 * as a space; and lone surrogates. One character per match: linear on any input.
 */
const INVISIBLE_CLASS = String.raw`\0-\x08\v\f\x0E-\x1F\x7F-\x9F\p{Cf}\p{Default_Ignorable_Code_Point}\p{Cs}\u2800`;
const INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}]`, 'gu');
const ONE_INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}]`, 'u');

/**
 * One line of visible text: none of the invisible class, and no tab, line break or line
 * separator either. For a `pattern` in an input schema (JSON Schema validators need the `u` flag).
 */
export const VISIBLE_LINE = new RegExp(String.raw`^[^\t\n\r\u2028\u2029${INVISIBLE_CLASS}]*$`, 'u');
const LINE_SEPARATORS = /[\u2028\u2029]/g;

const ESC = 0x1b;
const BEL = 0x07;
/** 8-bit forms: C1 CSI, and the C1 controls that open a string ended by ST. */
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
const C1_STRING_OPENERS = new Set([0x90, 0x98, 0x9d, 0x9e, 0x9f]);
/** ESC followed by one of these opens a string (DCS P, SOS X, OSC ], PM ^, APC _) ended by ST or BEL. */
const STRING_OPENERS = new Set([0x50, 0x58, 0x5d, 0x5e, 0x5f]);

/**
 * `text` without invisible characters and without terminal escape sequences, which are removed
 * whole (ESC [ … final byte, OSC/DCS/APC strings up to their terminator, two-byte escapes) so
 * that no `[31m` or hyperlink target is left behind. U+2028 and U+2029 become line feeds.
 * Linear time: every character is looked at a bounded number of times.
 */
export function stripInvisible(text: string): string {
  return removeTerminalEscapes(text).replace(INVISIBLE, '').replace(LINE_SEPARATORS, '\n');
}

/**
 * The first invisible or control character of `text` (tab, line feed and carriage return
 * included), as `U+XXXX`, or undefined when there is none. For inputs that must be one line of
 * visible text: subjects, names, tags.
 */
export function findInvisibleCharacter(text: string): string | undefined {
  for (const char of text) {
    if (char === '\t' || char === '\n' || char === '\r' || char === '\u2028' || char === '\u2029' || isInvisible(char)) {
      return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    }
  }
  return undefined;
}

/** True when `char` (one code point) is in the invisible class that `stripInvisible` removes. */
export function isInvisible(char: string): boolean {
  return ONE_INVISIBLE.test(char);
}

function removeTerminalEscapes(text: string): string {
  if (!/[\x1B\x90\x98\x9B\x9D-\x9F]/.test(text)) return text;
  let out = '';
  let kept = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    let end: number;
    if (code === ESC) end = escapeSequenceEnd(text, i + 1);
    else if (code === C1_CSI) end = controlSequenceEnd(text, i + 1);
    else if (C1_STRING_OPENERS.has(code)) end = stringEnd(text, i + 1);
    else {
      i++;
      continue;
    }
    out += text.slice(kept, i);
    kept = i = end;
  }
  return out + text.slice(kept);
}

/** Index just after the escape sequence whose ESC is at `start - 1`. */
function escapeSequenceEnd(text: string, start: number): number {
  const next = text.charCodeAt(start);
  if (next === 0x5b) return controlSequenceEnd(text, start + 1);
  if (STRING_OPENERS.has(next)) return stringEnd(text, start + 1);
  // nF / Fp / Fe / Fs escapes: intermediate bytes 0x20–0x2F, then one final byte 0x30–0x7E.
  let i = start;
  while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
  const final = text.charCodeAt(i);
  return final >= 0x30 && final <= 0x7e ? i + 1 : i;
}

/** ECMA-48 CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E. */
function controlSequenceEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x3f) i++;
  while (i < text.length && text.charCodeAt(i) >= 0x20 && text.charCodeAt(i) <= 0x2f) i++;
  const final = text.charCodeAt(i);
  return final >= 0x40 && final <= 0x7e ? i + 1 : i;
}

/** A control string runs to BEL, ST (ESC \ or C1 ST), or, unterminated, to the end, as a terminal would swallow it. */
function stringEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === BEL || code === C1_ST) return i + 1;
    // ESC \ is ST; any other ESC aborts the string and starts a sequence of its own.
    if (code === ESC) return text.charCodeAt(i + 1) === 0x5c ? i + 2 : i;
  }
  return text.length;
}
