import type { EngineKind } from '../config';

/** A bare word (keyword or unquoted identifier) found outside strings, quoted identifiers and comments. */
export interface ScannedWord {
  /** Lower-cased. */
  word: string;
  /** True when the next non-blank character is `(`: a function call or a keyword like `VALUES (`. */
  call: boolean;
}

export interface ScannedSql {
  /** The statement with every comment replaced by one space and trailing `;` and blanks removed. This is the text sent to the server. */
  text: string;
  words: ScannedWord[];
  /** Number of non-empty statements separated by top-level `;`. */
  statements: number;
  /** A MySQL/MariaDB executable comment (`/*!`, `/*M!`) was found: the server would run its content. */
  executableComment: boolean;
  /** Named placeholders (`:name`) outside strings, in order of appearance, with their offsets in {@link text}. */
  placeholders: Array<{ name: string; start: number; end: number }>;
  /**
   * {@link text} with every native placeholder (`$1` on PostgreSQL, `?` elsewhere) replaced by the
   * literal `0`, for the SQL parser only: a bound value is data, so the statement's structure is
   * the same, and the parser accepts placeholders where it would not otherwise (`LIMIT ?`).
   */
  parseText: string;
}

export class SqlScanError extends Error {
  override readonly name = 'SqlScanError';
}

/**
 * Splits SQL the way the target server lexes it: comments (PostgreSQL nests block comments,
 * MySQL needs a blank after `--` and also has `#`), strings (PostgreSQL standard strings, `E''`
 * and dollar quoting; MySQL backslash escapes; SQLite `[ident]`) and quoted identifiers. The
 * classifier checks the words found here independently of the SQL parser, and the comment-free
 * text is what gets executed, so a comment can never hide anything from either check.
 */
export function scanSql(sql: string, dialect: EngineKind): ScannedSql {
  let out = '';
  const native: number[] = [];
  const words: ScannedWord[] = [];
  const placeholders: ScannedSql['placeholders'] = [];
  let statements = 0;
  let statementHasContent = false;
  let executableComment = false;
  let i = 0;
  const n = sql.length;
  const pendingCalls: ScannedWord[] = [];

  const content = (chunk: string) => {
    out += chunk;
    if (/\S/.test(chunk)) statementHasContent = true;
  };

  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];

    // Comments
    if (c === '-' && next === '-' && (dialect !== 'mysql' || i + 2 >= n || /[\s\x00-\x1f]/.test(sql[i + 2]!))) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end;
      out += ' ';
      continue;
    }
    if (c === '#' && dialect === 'mysql') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end;
      out += ' ';
      continue;
    }
    if (c === '/' && next === '*') {
      if (dialect === 'mysql' && (sql[i + 2] === '!' || (sql[i + 2] === 'M' && sql[i + 3] === '!'))) executableComment = true;
      i = skipBlockComment(sql, i, dialect === 'postgres');
      out += ' ';
      continue;
    }

    // Strings and quoted identifiers
    if (c === "'" || c === '"' || c === '`' || (c === '[' && dialect === 'sqlite')) {
      const backslash = dialect === 'mysql' && c !== '`';
      const end = skipQuoted(sql, i, c === '[' ? ']' : c, backslash);
      if (c === "'" && dialect === 'postgres' && /[eE]$/.test(out) && !/[A-Za-z0-9_$][eE]$/.test(out)) {
        // E'...' escape string: backslashes escape
        const escEnd = skipQuoted(sql, i, "'", true);
        content(sql.slice(i, escEnd));
        i = escEnd;
        continue;
      }
      content(sql.slice(i, end));
      i = end;
      continue;
    }
    if (c === '$' && dialect === 'postgres') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag && !/[A-Za-z0-9_]$/.test(out)) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        if (close < 0) throw new SqlScanError('unterminated dollar-quoted string');
        content(sql.slice(i, close + tag[0].length));
        i = close + tag[0].length;
        continue;
      }
    }

    if ((c === '?' && dialect !== 'postgres') || (c === '$' && dialect === 'postgres' && /[0-9]/.test(next ?? ''))) {
      const match = c === '?' ? '?' : /^\$[0-9]+/.exec(sql.slice(i, i + 12))![0];
      native.push(out.length, match.length);
      content(match);
      i += match.length;
      pendingCalls.length = 0;
      continue;
    }

    if (c === ';') {
      if (statementHasContent) statements++;
      statementHasContent = false;
      out += c;
      i++;
      continue;
    }

    // Named placeholder :name (not ::cast, not :=)
    if (c === ':' && next !== undefined && /[A-Za-z_]/.test(next) && sql[i - 1] !== ':') {
      const match = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i))!;
      placeholders.push({ name: match[1]!, start: out.length, end: out.length + match[0].length });
      content(match[0]);
      i += match[0].length;
      continue;
    }

    if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 256))!;
      const word: ScannedWord = { word: match[0].toLowerCase(), call: false };
      words.push(word);
      pendingCalls.length = 0;
      pendingCalls.push(word);
      content(match[0]);
      i += match[0].length;
      continue;
    }

    if (c === '(' && pendingCalls.length > 0) pendingCalls[0]!.call = true;
    if (!/\s/.test(c)) pendingCalls.length = 0;
    content(c);
    i++;
  }
  if (statementHasContent) statements++;
  let parseOut = '';
  let at = 0;
  for (let k = 0; k < native.length; k += 2) {
    parseOut += out.slice(at, native[k]) + '0'.padEnd(native[k + 1]!, ' ');
    at = native[k]! + native[k + 1]!;
  }
  parseOut += out.slice(at);
  const lead = out.length - out.trimStart().length;
  const text = trimTrailingSeparators(out).trim();
  const parseText = parseOut.slice(lead, lead + text.length);
  return { text, parseText, words, statements, executableComment, placeholders: placeholders.map((p) => ({ ...p, start: p.start - lead, end: p.end - lead })) };
}

/** `text` without trailing whitespace and semicolons; a loop, because `/[\s;]+$/` rescans the run from each of its characters. */
function trimTrailingSeparators(text: string): string {
  let end = text.length;
  while (end > 0 && /[\s;]/.test(text[end - 1]!)) end--;
  return text.slice(0, end);
}

function skipBlockComment(sql: string, start: number, nested: boolean): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*' && (nested || depth === 0)) {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  throw new SqlScanError('unterminated comment');
}

function skipQuoted(sql: string, start: number, close: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === close) {
      if (close !== ']' && sql[i + 1] === close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  throw new SqlScanError('unterminated quoted string or identifier');
}
