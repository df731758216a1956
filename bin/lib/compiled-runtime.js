// Which code bin/mcp-hub runs: the compiled bundles in dist/ (`npm run build`) or the TypeScript
// sources through tsx. Shared with scripts/build.js, which writes what this file reads.
// See docs/decisions/0014-compiled-runtime.md.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '../..');
const DIST_DIR = path.join(repoRoot, 'dist');
const BUILD_INFO_FILE = path.join(DIST_DIR, 'build-info.json');

/** The bundles in dist/ and the source each is built from. */
const ENTRY_POINTS = {
  'cli.js': 'apps/cli/src/main.ts',
  'tracing-requested.js': 'libs/telemetry/src/tracing-requested.ts',
  'start-tracing.js': 'libs/telemetry/src/start-tracing.ts',
};

function exists(file) {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function relativeToRoot(file) {
  return path.relative(repoRoot, file).split(path.sep).join('/');
}

function readBuildInfo(root) {
  try {
    return JSON.parse(readFileSync(path.join(root, 'dist', 'build-info.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * How dist/ compares with the source tree: `missing` (no complete build), `fresh` (every input
 * file has the size and mtime it had at build time), `stale` (one differs or is gone; `changed`
 * names it) or `no-sources` (none of the TypeScript inputs is present: an image that ships only dist/).
 */
function compiledRuntimeState(root = repoRoot) {
  const info = readBuildInfo(root);
  if (!info || !Array.isArray(info.files)) return { state: 'missing' };
  for (const bundle of Object.keys(ENTRY_POINTS)) {
    try {
      statSync(path.join(root, 'dist', bundle));
    } catch {
      return { state: 'missing' };
    }
  }
  // The image ships dist/ and package.json without the TypeScript sources: nothing to compare.
  const sources = info.files.filter(({ file }) => file.endsWith('.ts'));
  if (!sources.some(({ file }) => exists(path.join(root, file)))) return { state: 'no-sources' };
  let changed;
  for (const { file, size, mtimeMs } of info.files) {
    let stat;
    try {
      stat = statSync(path.join(root, file));
    } catch {
      changed = file;
      break;
    }
    if (stat.size !== size || stat.mtimeMs !== mtimeMs) {
      changed = file;
      break;
    }
  }
  return changed ? { state: 'stale', changed } : { state: 'fresh' };
}

function compiledRuntimeFresh(root = repoRoot) {
  return compiledRuntimeState(root).state === 'fresh';
}

/**
 * `compiled` or `source`, from MCP_HUB_RUNTIME:
 * - `compiled` (the image sets it): dist/ must exist and must not be older than sources that sit
 *   beside it; otherwise this throws, saying why. It never falls back to tsx.
 * - `source`: always tsx.
 * - unset: dist/ when it is fresh, tsx otherwise (a fresh clone, or sources edited since the last
 *   build: a stale build is never run).
 */
function chooseRuntime(env = process.env, root = repoRoot) {
  const wanted = (env.MCP_HUB_RUNTIME || '').trim();
  if (wanted === 'source') return 'source';
  if (wanted !== '' && wanted !== 'compiled') throw new Error(`MCP_HUB_RUNTIME must be compiled or source, not "${wanted}"`);
  const { state, changed } = compiledRuntimeState(root);
  if (wanted === '') return state === 'fresh' ? 'compiled' : 'source';
  if (state === 'fresh' || state === 'no-sources') return 'compiled';
  if (state === 'missing') throw new Error(`MCP_HUB_RUNTIME=compiled but dist/ holds no complete build: run npm run build`);
  throw new Error(`MCP_HUB_RUNTIME=compiled but dist/ is stale (${changed} changed since the build): run npm run build`);
}

module.exports = { BUILD_INFO_FILE, DIST_DIR, ENTRY_POINTS, chooseRuntime, compiledRuntimeFresh, compiledRuntimeState, relativeToRoot, repoRoot };
