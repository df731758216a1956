/**
 * Third-party text (messages, ticket bodies, database strings, device payloads) is untrusted: it
 * can carry instructions aimed at the model. Cleaning removes what a human reviewer cannot see
 * (invisible and bidirectional control characters, Unicode tag characters), reduces HTML to text
 * and defuses markdown images, whose URLs a client would fetch (a known exfiltration channel).
 * The caller still marks the value `untrusted: true` with its source in structured output.
 */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB]|[\u{E0000}-\u{E007F}]/gu;
const MARKDOWN_IMAGE = /!\[([^\]]*)\]\(([^)]*)\)/g;
const HTML_TAG = /<\/?[a-zA-Z][^>]*>/g;
const HTML_BLOCK = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

export function cleanUntrustedText(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(HTML_BLOCK, '')
    .replace(HTML_TAG, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(MARKDOWN_IMAGE, (_match, alt: string) => `[image: ${alt || 'no description'}]`);
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
