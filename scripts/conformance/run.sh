#!/usr/bin/env bash
# Runs the official MCP conformance suite's server scenarios against one MCP endpoint.
#   scripts/conformance/run.sh http://127.0.0.1:3000/mcp [results-dir]
# The suite (@modelcontextprotocol/conformance, pinned in connectors/bridge) wants Node 22; on
# Node 20 it runs with a small fs.globSync shim (see fs-glob-sync.mjs). docs/conformance.md says
# how to put the suite's reference server behind the hub and what the scores were.
set -euo pipefail
url="${1:?usage: run.sh <mcp-url> [results-dir]}"
out="${2:-$(mktemp -d -t mcp-conformance-XXXXXX)}"
here="$(cd "$(dirname "$0")" && pwd)"
suite="$here/../../node_modules/@modelcontextprotocol/conformance/dist/index.js"
shim=()
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then shim=(--import "$here/register-fs-glob-sync.mjs"); fi
node "${shim[@]}" "$suite" server --url "$url" -o "$out" | sed -n '/=== SUMMARY ===/,$p'
echo "results: $out"
