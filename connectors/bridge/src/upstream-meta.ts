/**
 * The part of an upstream result's `_meta` that the bridge passes on to the client: every key
 * except the hub's own (`mcphub/…`: an upstream must not claim a result was replayed or rate
 * limited by the hub) and the protocol's reserved ones (a prefix with a `modelcontextprotocol` or
 * `mcp` label, e.g. `io.modelcontextprotocol/related-task`): those describe the bridge's own
 * connection to the upstream, such as its tasks, and would mislead the client on the hub's.
 * Undefined when nothing is left.
 */
export function passedMeta(meta: unknown): Record<string, unknown> | undefined {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return undefined;
  const kept = Object.entries(meta).filter(([key]) => !ownedByHubOrProtocol(key));
  return kept.length > 0 ? Object.fromEntries(kept.slice(0, 50)) : undefined;
}

function ownedByHubOrProtocol(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash < 0) return false;
  const labels = key.slice(0, slash).toLowerCase().split('.');
  return labels.includes('mcphub') || labels.includes('modelcontextprotocol') || labels.includes('mcp');
}
