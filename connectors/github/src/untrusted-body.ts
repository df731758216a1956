import { z } from 'zod';
import { cleanUntrustedText } from '@mcp-hub/connector-kit';

/** Third-party text in structured output: cleaned, cut, and marked with where it came from. */
export const UntrustedTextSchema = z.object({
  text: z.string(),
  untrusted: z.literal(true),
  source: z.string().describe('Where the text came from, e.g. github:octo/app:issue:12.'),
  truncated: z.boolean(),
});
export type UntrustedText = z.infer<typeof UntrustedTextSchema>;

/**
 * Issue, pull request and comment text (titles too) are written by anyone who can open an issue
 * on a public repository: invisible and bidi characters stripped, HTML reduced, Markdown images
 * defused (the kit's `cleanUntrustedText`), and marked untrusted with its source.
 */
export function untrustedText(source: string, text: string | null | undefined, maxChars: number): UntrustedText {
  const raw = text ?? '';
  // A little more than is shown is cleaned, so that a cut never falls inside a markup run that cleaning would remove.
  const cleaned = cleanUntrustedText(raw, { maxChars: maxChars + 256 });
  const truncated = raw.length > maxChars || cleaned.length > maxChars;
  return { text: truncated ? cleaned.slice(0, maxChars) : cleaned, untrusted: true, source, truncated };
}
