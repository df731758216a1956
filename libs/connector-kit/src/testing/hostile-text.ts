import fc from 'fast-check';

/** Pieces that attack text cleaning and fences: markup, references, image syntax, invisible characters, escapes. */
export const HOSTILE_FRAGMENTS: readonly string[] = [
  '<', '>', '/', '!', '[', ']', '(', ')', ':', ';', '&', '#', ' ', '\n', '"', "'", '=',
  'untrusted-content', 'UNTRUSTED-CONTENT', 'nonce=', 'source=', 'img', 'src=', 'alt=', 'script', 'style', '<!--', '-->', 'iframe',
  '&lt;', '&gt;', '&LT;', '&amp;', '&amp', '&lt', '&#60;', '&#060;', '&#x3c;', '&#X3C;', '&#62;', '&#x3e;', '&#33;', '&#91;', '&#108;', 'lt;', 'gt;', 'amp;', '&excl;', '&lsqb;',
  '![', '](', '][', '[r]:', '[r]', 'http://', 'https://evil.example/?d=', '\uFF1C', '\uFF1E', '\uFE64',
  '\u202e', '\u200b', '\u061c', '\u3164', '\u2800', '\u034f', '\ufe0f', '\u{E0041}', '\u0000', '\u0007', '\u001b[31m', '\u001b]8;;http://x\u0007', '\u009b1m', '\ud800',
];

/** Arbitrary strings built from `HOSTILE_FRAGMENTS` and short random strings (lone surrogates included). */
export const hostileText: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_FRAGMENTS), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 40 })
  .map((parts) => parts.join(''));
