#!/usr/bin/env node
// `npm run build`: the compiled runtime. One esbuild bundle of the CLI (the composition root: the
// hub front, the built-in connectors and every library of this repository) plus the two small
// tracing modules bin/mcp-hub loads before it, written to dist/. Packages from node_modules are
// not bundled: they are required at run time as Node resolves them, so native modules
// (better-sqlite3), pino's worker transports and OpenTelemetry's require hooks (pg, mysql2, http)
// work as they do from source. See docs/decisions/0014-compiled-runtime.md.
//
// dist/build-info.json lists every source file that went into the bundles with its size and
// mtime; bin/mcp-hub runs dist/ only while all of them are unchanged (bin/lib/compiled-runtime.js).
'use strict';
const { cpSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, readFileSync } = require('node:fs');
const { builtinModules } = require('node:module');
const path = require('node:path');
const { compiledRuntimeFresh, DIST_DIR, BUILD_INFO_FILE, ENTRY_POINTS, relativeToRoot, repoRoot } = require('../bin/lib/compiled-runtime');

/**
 * Files that shape the bundles without being bundled: how imports resolve (tsconfig paths,
 * workspace manifests) and this script. A change to one of them makes the build stale too.
 */
const BUILD_INPUTS = ['scripts/build.js', 'bin/lib/compiled-runtime.js', 'tsconfig.base.json', 'package.json', 'package-lock.json'];

/** The workspaces' folders (the root package.json's `workspaces`). */
const WORKSPACE_ROOTS = ['apps', 'libs', 'connectors'];

/**
 * `__dirname` in a bundled module would be the bundle's folder, not the module's. A few modules
 * find files beside them (the CLI's policy and connector template, the admin page's stylesheet),
 * so each `__dirname` is rewritten to the module's own folder, relative to `outdir` (where every
 * bundle of one build lies, side by side): the files are read where they are in the source tree,
 * and the runtime tree keeps them there.
 */
function keepDirname(outdir) {
  return {
    name: 'keep-dirname',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!/\b__dirname\b/.test(source)) return undefined;
        const fromBundle = path.relative(outdir, path.dirname(args.path)).split(path.sep).join('/');
        return { contents: source.replace(/\b__dirname\b/g, `require("node:path").join(__dirname, ${JSON.stringify(fromBundle)})`), loader: 'ts' };
      });
    },
  };
}

/** Everything outside this repository's own workspaces stays a run-time `require`. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@mcp-hub/') ? undefined : { path: args.path, external: true }));
  },
};

/** The package an import names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Every package the bundles require at run time must be a production dependency of the root or
 * of a workspace: the image installs only those (`npm ci --omit=dev`), and a devDependency that
 * slipped into the runtime would fail there, maybe only on the first call that loads it.
 */
function checkRuntimeDependencies(metafile) {
  const manifests = [path.join(repoRoot, 'package.json')];
  for (const top of WORKSPACE_ROOTS) {
    for (const name of readdirSync(path.join(repoRoot, top))) manifests.push(path.join(repoRoot, top, name, 'package.json'));
  }
  const declared = new Set();
  for (const manifest of manifests) {
    try {
      for (const name of Object.keys(JSON.parse(readFileSync(manifest, 'utf8')).dependencies || {})) declared.add(name);
    } catch {
      // a folder without a manifest is not a workspace
    }
  }
  const missing = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path: specifier, external } of output.imports) {
      if (!external || specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) continue;
      if (!declared.has(packageOf(specifier))) missing.add(packageOf(specifier));
    }
  }
  if (missing.size > 0) throw new Error(`the bundles require packages that are no production dependency of any workspace: ${[...missing].sort().join(', ')}`);
}

/**
 * esbuild with this repository's settings: CommonJS for Node 20, this repository's code bundled,
 * packages from node_modules left as run-time requires, one bundle per entry point, all of them
 * side by side in `outdir` (entry names without slashes); `options.finalDir` is where they will
 * be read from when they are moved there after the build. Also bundles the test fixtures that run
 * as processes (scripts/jest-global-setup.js).
 */
function bundle(entryPoints, outdir, options = {}) {
  return require('esbuild').build({
    absWorkingDir: repoRoot,
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    tsconfig: path.join(repoRoot, 'tsconfig.base.json'),
    logLevel: 'warning',
    plugins: [externalPackages, keepDirname(options.finalDir ?? outdir)],
    ...Object.fromEntries(Object.entries(options).filter(([key]) => key !== 'finalDir')),
  });
}

async function build() {
  const esbuild = require('esbuild');
  const started = Date.now();
  // Written beside dist/ and renamed in file by file, so a process starting meanwhile reads
  // either the old build or the new one, and build-info.json (written last) never describes
  // bundles that are not there yet.
  const staging = path.join(repoRoot, `.dist-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    const entryPoints = Object.fromEntries(Object.entries(ENTRY_POINTS).map(([name, source]) => [name.replace(/\.js$/, ''), source]));
    const result = await bundle(entryPoints, staging, { sourcemap: 'linked', metafile: true, finalDir: DIST_DIR });
    checkRuntimeDependencies(result.metafile);
    const sources = Object.keys(result.metafile.inputs)
      .map((input) => relativeToRoot(path.resolve(repoRoot, input)))
      .filter((input) => !input.startsWith('node_modules/'));
    const files = [...new Set([...sources, ...BUILD_INPUTS])].sort().map((file) => {
      const stat = statSync(path.join(repoRoot, file));
      // A file written while esbuild ran (or in the clock tick before: mtimes are coarse) may
      // differ from what went into the bundle: recorded as changed, so the next check rebuilds.
      return { file, size: stat.size, mtimeMs: stat.mtimeMs >= started - 20 ? 0 : stat.mtimeMs };
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

/** Source-tree files a runtime never needs: TypeScript (compiled into dist/), tests, fixtures. */
function runtimeAsset(relative) {
  const parts = relative.split('/');
  if (parts.some((part) => part === 'node_modules' || part === 'test' || part === '__snapshots__' || part === 'testing')) return false;
  if (/\.test\.[cm]?[jt]s$/.test(relative)) return false;
  // A template is data (`mcp-hub new connector` copies it), TypeScript or not.
  if (parts.includes('templates')) return true;
  return !relative.endsWith('.ts');
}

/**
 * Writes to `target` what the compiled runtime needs besides node_modules: dist/, bin/, the root
 * package.json, and every other file of the workspaces that is not TypeScript or a test (the CLI's
 * policy and connector template, the admin page's stylesheet, the packages' manifests), in the
 * folders where the bundles look for them. The image is built from exactly this tree.
 */
function assembleRuntime(target) {
  mkdirSync(target, { recursive: true });
  for (const file of ['dist', 'bin', 'package.json']) cpSync(path.join(repoRoot, file), path.join(target, file), { recursive: true, filter: (source) => !source.endsWith('.map') });
  for (const top of WORKSPACE_ROOTS) {
    for (const entry of readdirSync(path.join(repoRoot, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const relative = relativeToRoot(path.join(entry.parentPath ?? entry.path, entry.name));
      if (!runtimeAsset(relative)) continue;
      mkdirSync(path.dirname(path.join(target, relative)), { recursive: true });
      cpSync(path.join(repoRoot, relative), path.join(target, relative));
    }
  }
}

/**
 * `node scripts/build.js [--if-stale] [--runtime-tree <dir>]`: builds dist/ (unless already fresh
 * with --if-stale), then optionally writes the runtime tree (the image's /app without node_modules).
 */
async function main() {
  const runtimeIndex = process.argv.indexOf('--runtime-tree');
  if (process.argv.includes('--if-stale') && compiledRuntimeFresh()) return;
  const { files, ms } = await build();
  process.stderr.write(`dist/ built from ${files} files in ${ms} ms\n`);
  if (runtimeIndex > 0) {
    const target = path.resolve(process.argv[runtimeIndex + 1] || '');
    assembleRuntime(target);
    process.stderr.write(`runtime tree written to ${target}\n`);
  }
}

module.exports = { assembleRuntime, build, bundle };

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`build failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}
