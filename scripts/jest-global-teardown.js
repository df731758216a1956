// Removes the fixture bundles of scripts/jest-global-setup.js.
'use strict';
const { rmSync } = require('node:fs');

module.exports = async function removeFixtureBundles() {
  const dir = process.env.MCP_HUB_TEST_FIXTURES_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
};
