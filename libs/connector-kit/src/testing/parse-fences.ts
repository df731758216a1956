/** One `fenceUntrusted` fence found in a text: where its content starts and ends, and its nonce. */
export interface ParsedFence {
  nonce: string;
  source: string;
  /** Index of the first character of the content, and of the line break before the closing marker. */
  contentStart: number;
  contentEnd: number;
}

const OPENING = /<untrusted-content nonce="([0-9a-f]{16})" source="([^"]*)">\n/g;

/**
 * Every fence in `text`, in order. Throws when a marker is forged or unmatched: any other
 * opening or closing marker than those of well-formed fences, or a fence without its closing
 * marker (same nonce) before the next opening.
 */
export function parseFences(text: string): ParsedFence[] {
  const fences: ParsedFence[] = [];
  for (const match of text.matchAll(OPENING)) {
    const contentStart = match.index + match[0].length;
    const contentEnd = text.indexOf(`\n</untrusted-content nonce="${match[1]}">`, contentStart);
    if (contentEnd < 0) throw new Error(`fence ${match[1]} is not closed`);
    fences.push({ nonce: match[1]!, source: match[2]!, contentStart, contentEnd });
  }
  const markers = text.match(/<\/?untrusted-content/gi) ?? [];
  if (markers.length !== 2 * fences.length) throw new Error(`${markers.length} fence markers for ${fences.length} fences: a marker was forged`);
  fences.forEach((fence, k) => {
    const next = fences[k + 1];
    if (next && next.contentStart < fence.contentEnd) throw new Error(`fence ${next.nonce} opens inside fence ${fence.nonce}`);
  });
  return fences;
}

/** The fence that holds the text at `index`, if any. */
export function fenceAt(fences: readonly ParsedFence[], index: number): ParsedFence | undefined {
  return fences.find((fence) => index >= fence.contentStart && index < fence.contentEnd);
}
