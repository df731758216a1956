// node:fs with a `globSync` for Node 20. @modelcontextprotocol/conformance 0.1.16 imports
// `globSync` from 'fs' (Node 22 API) at load time, and uses it only for `**/<file name>`
// patterns (reading results back), so that is all this one does; anything else throws.
import fs from 'node:fs';
import path from 'node:path';

export * from 'node:fs';
export default fs;

export function globSync(pattern, options = {}) {
  const match = /^\*\*\/([^*?[\]/]+)$/.exec(pattern);
  if (!match) throw new Error(`fs-glob-sync: only "**/<name>" patterns, not ${pattern}`);
  return fs.readdirSync(options.cwd ?? process.cwd(), { recursive: true }).filter((file) => path.basename(file) === match[1]);
}
