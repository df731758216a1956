#!/usr/bin/env node
// `npm run build`: the compiled runtime. One esbuild bundle of the CLI (the composition root: the
// hub front, the built-in connectors and every library of this repository) plus the two small
// tracing modules bin/mcp-hub loads before it, written to dist/. Packages from node_modules are
// not bundled: they are required at run time as Node resolves them, so native modules
// (better-sqlite3), pino's worker transports and OpenTelemetry's require hooks (pg, mysql2, http)
// work as they do from source. See docs/decisions/0007-compiled-runtime.md.
//
// dist/build-info.json lists every source file that went into the bundles with its size and
// mtime; bin/mcp-hub runs dist/ only while all of them are unchanged (bin/lib/compiled-runtime.js).
'use strict';
const { mkdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { compiledRuntimeFresh, DIST_DIR, BUILD_INFO_FILE, ENTRY_POINTS, relativeToRoot, repoRoot } = require('../bin/lib/compiled-runtime');

/**
 * Files that shape the bundles without being bundled: how imports resolve (tsconfig paths,
 * workspace manifests) and this script. A change to one of them makes the build stale too.
 */
const BUILD_INPUTS = ['scripts/build.js', 'bin/lib/compiled-runtime.js', 'tsconfig.base.json', 'package.json', 'package-lock.json'];

/**
 * `__dirname` in a bundled module would be dist/, not the module's folder. A few modules find files
 * beside them (the CLI's policy and connector template, the admin page's stylesheet), so each
 * `__dirname` is rewritten to the module's own folder, relative to the bundle: the files stay
 * where they are in the source tree (the image copies those folders).
 */
const keepDirname = {
  name: 'keep-dirname',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!/\b__dirname\b/.test(source)) return undefined;
      const fromDist = path.relative(DIST_DIR, path.dirname(args.path)).split(path.sep).join('/');
      return { contents: source.replace(/\b__dirname\b/g, `require("node:path").join(__dirname, ${JSON.stringify(fromDist)})`), loader: 'ts' };
    });
  },
};

/** Everything outside this repository's own workspaces stays a run-time `require`. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@mcp-hub/') ? undefined : { path: args.path, external: true }));
  },
};

async function build() {
  const esbuild = require('esbuild');
  const started = Date.now();
  // Written beside dist/ and renamed in file by file, so a process starting meanwhile reads
  // either the old build or the new one, and build-info.json (written last) never describes
  // bundles that are not there yet.
  const staging = path.join(repoRoot, `.dist-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await esbuild.build({
      absWorkingDir: repoRoot,
      entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, source]) => [name.replace(/\.js$/, ''), source])),
      outdir: staging,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      tsconfig: path.join(repoRoot, 'tsconfig.base.json'),
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'warning',
      plugins: [externalPackages, keepDirname],
    });
    const sources = Object.keys(result.metafile.inputs)
      .map((input) => relativeToRoot(path.resolve(repoRoot, input)))
      .filter((input) => !input.startsWith('node_modules/'));
    const files = [...new Set([...sources, ...BUILD_INPUTS])].sort().map((file) => {
      const stat = statSync(path.join(repoRoot, file));
      return { file, size: stat.size, mtimeMs: stat.mtimeMs };
    });
    mkdirSync(DIST_DIR, { recursive: true });
    for (const output of Object.keys(result.metafile.outputs).concat(Object.keys(result.metafile.outputs).map((o) => `${o}.map`))) {
      const name = path.basename(output);
      try {
        renameSync(path.join(staging, name), path.join(DIST_DIR, name));
      } catch (error) {
        if (error.code !== 'ENOENT') throw error;
      }
    }
    const info = { builtAt: new Date().toISOString(), esbuild: esbuild.version, node: process.version, entryPoints: ENTRY_POINTS, files };
    writeFileSync(`${BUILD_INFO_FILE}.${process.pid}`, `${JSON.stringify(info, null, 1)}\n`);
    renameSync(`${BUILD_INFO_FILE}.${process.pid}`, BUILD_INFO_FILE);
    return { files: files.length, ms: Date.now() - started };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Builds unless dist/ is already fresh (`--if-stale`, as the test setup runs it). */
async function main() {
  if (process.argv.includes('--if-stale') && compiledRuntimeFresh()) return;
  const { files, ms } = await build();
  process.stderr.write(`dist/ built from ${files} files in ${ms} ms\n`);
}

module.exports = { build };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`build failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}
