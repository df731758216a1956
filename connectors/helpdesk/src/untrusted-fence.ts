const FENCE_TAG = /<\/?\s*untrusted-content\b[^>]*>/gi;

/**
 * Wraps cleaned third-party text in an explicit delimiter naming its source, so that a model
 * reading a prompt or a text result can tell customer content from instructions. A delimiter
 * inside the text is removed, so the content cannot close its own fence.
 */
export function fenceUntrusted(source: string, text: string): string {
  return `<untrusted-content source="${source}">\n${text.replace(FENCE_TAG, '')}\n</untrusted-content>`;
}
