// Jest's globalSetup: builds dist/ once per run when it is not fresh, so that every test that
// spawns `bin/mcp-hub` runs the compiled CLI (about a second of start-up less per process than
// tsx; see docs/benchmarks.md). A fresh dist/ is kept. MCP_HUB_RUNTIME=source skips the build and
// runs every spawned CLI from source, as a fresh clone does.
'use strict';
const { compiledRuntimeFresh } = require('../bin/lib/compiled-runtime');
const { build } = require('./build');

module.exports = async function buildCompiledRuntime() {
  if ((process.env.MCP_HUB_RUNTIME || '').trim() === 'source' || compiledRuntimeFresh()) return;
  await build();
};
