// Jest's globalSetup. Tests spawn real processes; under tsx each one pays a second or more of
// transform and loader start-up (far more on a busy machine), so:
// - dist/ is built when it is not fresh, and every spawned `bin/mcp-hub` runs the compiled CLI
//   (bin/lib/compiled-runtime.js decides; a fresh dist/ is kept);
// - the test fixtures that run as processes of their own (apps/*/test/fixtures/*-main.ts) are
//   bundled for this run into a folder of its own under node_modules/.cache (where their
//   packages resolve), named by MCP_HUB_TEST_FIXTURES_DIR, which
//   CliProcess.fixture runs instead of the TypeScript file (globalTeardown removes it).
// MCP_HUB_RUNTIME=source skips both: every process runs from source, as in a fresh clone.
'use strict';
const { mkdirSync, mkdtempSync, readdirSync } = require('node:fs');
const path = require('node:path');
const { compiledRuntimeFresh, repoRoot } = require('../bin/lib/compiled-runtime');
const { build, bundle } = require('./build');

/** The fixtures tests start as processes (CliProcess.fixture). */
function processFixtures() {
  const fixtures = [];
  for (const app of readdirSync(path.join(repoRoot, 'apps'))) {
    const dir = path.join(repoRoot, 'apps', app, 'test', 'fixtures');
    let names = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (name.endsWith('-main.ts')) fixtures.push(path.join(dir, name));
  }
  return fixtures;
}

/** `apps/cli/test/fixtures/echo-connector-main.ts` → `apps--cli--test--fixtures--echo-connector-main` (CliProcess.fixture says the same). */
function fixtureBundleName(file) {
  return path.relative(repoRoot, file).replace(/\.ts$/, '').split(path.sep).join('--');
}

module.exports = async function buildForTests() {
  if ((process.env.MCP_HUB_RUNTIME || '').trim() === 'source') return;
  if (!compiledRuntimeFresh()) await build();
  const fixtures = processFixtures();
  if (fixtures.length === 0) return;
  const cache = path.join(repoRoot, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(path.join(cache, 'mcp-hub-test-fixtures-'));
  await bundle(Object.fromEntries(fixtures.map((file) => [fixtureBundleName(file), file])), outdir);
  process.env.MCP_HUB_TEST_FIXTURES_DIR = outdir;
};
