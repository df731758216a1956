import { randomBytes } from 'node:crypto';
import { escapeAngleBrackets } from './untrusted-text';

/** What a prompt says about fences before it embeds any: how a model tells where content ends. */
export const UNTRUSTED_FENCE_NOTICE =
  'Each piece of it is enclosed in an opening and a closing untrusted-content marker that carry the same random nonce; the content itself never contains a "<", so only the closing marker with that nonce ends it.';

/**
 * Wraps third-party text in delimiters naming its source, so that a model reading a prompt or a
 * text result can tell that content from instructions:
 *
 * ```text
 * <untrusted-content nonce="3f9c…" source="helpdesk:ticket:12">
 * …text…
 * </untrusted-content nonce="3f9c…">
 * ```
 *
 * The fence cannot be forged from inside: every `<` and `>` of `text` (and their fullwidth and
 * small forms) is escaped to `‹`/`›`, so the text holds no tag at all, and the nonce is 64
 * random bits drawn after the text was written. `text` should already be cleaned with
 * `cleanUntrustedText`; the escaping here holds even when it was not. Characters of `source`
 * outside `[A-Za-z0-9_.:/@-]` become `_`.
 */
export function fenceUntrusted(source: string, text: string): string {
  const nonce = randomBytes(8).toString('hex');
  const safeSource = source.replace(/[^\w.:/@-]/g, '_');
  return `<untrusted-content nonce="${nonce}" source="${safeSource}">\n${escapeAngleBrackets(text)}\n</untrusted-content nonce="${nonce}">`;
}
