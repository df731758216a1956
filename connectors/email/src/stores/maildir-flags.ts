/**
 * Maildir keeps a message's flags in its file name (`<unique>:2,<letters>`); IMAP names them
 * `\Seen` and so on. Only the flags both know are kept.
 */
const LETTER_TO_FLAG: Readonly<Record<string, string>> = { D: '\\Draft', F: '\\Flagged', R: '\\Answered', S: '\\Seen', T: '\\Deleted' };
const FLAG_TO_LETTER: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LETTER_TO_FLAG).map(([letter, flag]) => [flag, letter]));

/** The IMAP flags of a Maildir file name; a name without `:2,` (a message in `new/`) has none. */
export function flagsOfFileName(fileName: string): string[] {
  const info = fileName.indexOf(':2,');
  if (info < 0) return [];
  return [...fileName.slice(info + 3)].flatMap((letter) => (LETTER_TO_FLAG[letter] ? [LETTER_TO_FLAG[letter]] : []));
}

/** The file name for `base` with these flags, letters in ASCII order as Maildir wants them. */
export function fileNameWithFlags(base: string, flags: readonly string[]): string {
  const letters = [...new Set(flags.flatMap((flag) => (FLAG_TO_LETTER[flag] ? [FLAG_TO_LETTER[flag]] : [])))].sort().join('');
  return `${base}:2,${letters}`;
}

/** The unique part of a Maildir file name, without the flag suffix. */
export function baseOfFileName(fileName: string): string {
  const info = fileName.indexOf(':');
  return info < 0 ? fileName : fileName.slice(0, info);
}
