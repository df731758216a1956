import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort } from '@mcp-hub/bus/testing';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');

interface CompiledRuntime {
  chooseRuntime(env: NodeJS.ProcessEnv, root: string): 'compiled' | 'source';
  compiledRuntimeFresh(root?: string): boolean;
  ENTRY_POINTS: Record<string, string>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../../bin/lib/compiled-runtime.js') as CompiledRuntime;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { assembleRuntime } = require('../../scripts/build.js') as { assembleRuntime(target: string): void };

/** Loaded with `node -r` into the image-shaped runtime: any attempt to load a compiler fails the process. */
const FORBID_COMPILERS = `
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^(tsx|esbuild|typescript)(\\/|$)/.test(request) || /\\.ts$/.test(request)) throw new Error('compiled runtime loaded ' + request);
  return load.call(this, request, ...rest);
};
`;

describe('the compiled runtime (dist/, npm run build)', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'mcp-hub-runtime-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** A tree with dist/ and its build-info.json listing two sources, as scripts/build.js writes it. */
  function fakeBuild(root: string): void {
    mkdirSync(path.join(root, 'dist'), { recursive: true });
    mkdirSync(path.join(root, 'src'), { recursive: true });
    for (const bundle of Object.keys(runtime.ENTRY_POINTS)) writeFileSync(path.join(root, 'dist', bundle), '');
    writeFileSync(path.join(root, 'src/a.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(root, 'src/b.ts'), 'export const b = 2;\n');
    writeFileSync(path.join(root, 'package.json'), '{}\n');
    const files = ['src/a.ts', 'src/b.ts', 'package.json'].map((file) => {
      const stat = statSync(path.join(root, file));
      return { file, size: stat.size, mtimeMs: stat.mtimeMs };
    });
    writeFileSync(path.join(root, 'dist/build-info.json'), JSON.stringify({ files }));
  }

  it('is chosen while fresh, and never once a source changed or went missing', () => {
    fakeBuild(scratch);
    expect(runtime.chooseRuntime({}, scratch)).toBe('compiled');
    expect(runtime.chooseRuntime({ MCP_HUB_RUNTIME: 'source' }, scratch)).toBe('source');

    // Same size, another mtime: an edit that kept the length.
    writeFileSync(path.join(scratch, 'src/a.ts'), 'export const a = 3;\n');
    utimesSync(path.join(scratch, 'src/a.ts'), new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
    expect(runtime.chooseRuntime({}, scratch)).toBe('source');
    expect(() => runtime.chooseRuntime({ MCP_HUB_RUNTIME: 'compiled' }, scratch)).toThrow('MCP_HUB_RUNTIME=compiled but dist/ is stale (src/a.ts changed since the build): run npm run build');

    fakeBuild(scratch);
    rmSync(path.join(scratch, 'src/b.ts'));
    expect(runtime.chooseRuntime({}, scratch)).toBe('source');
    expect(() => runtime.chooseRuntime({ MCP_HUB_RUNTIME: 'compiled' }, scratch)).toThrow('src/b.ts changed since the build');

    // An older mtime counts as a change too (a checkout of an older version).
    fakeBuild(scratch);
    utimesSync(path.join(scratch, 'package.json'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(runtime.chooseRuntime({}, scratch)).toBe('source');

    expect(() => runtime.chooseRuntime({ MCP_HUB_RUNTIME: 'tsx' }, scratch)).toThrow('MCP_HUB_RUNTIME must be compiled or source, not "tsx"');
  });

  it('counts as missing without every bundle or without build-info.json, and as shipped when no TypeScript source is beside it', () => {
    fakeBuild(scratch);
    rmSync(path.join(scratch, 'dist/start-tracing.js'));
    expect(runtime.chooseRuntime({}, scratch)).toBe('source');
    expect(() => runtime.chooseRuntime({ MCP_HUB_RUNTIME: 'compiled' }, scratch)).toThrow('dist/ holds no complete build');

    fakeBuild(scratch);
    writeFileSync(path.join(scratch, 'dist/build-info.json'), '{"files": ');
    expect(runtime.chooseRuntime({}, scratch)).toBe('source');

    // The image: dist/ and package.json (from another stage, another mtime), no TypeScript.
    fakeBuild(scratch);
    rmSync(path.join(scratch, 'src'), { recursive: true });
    utimesSync(path.join(scratch, 'package.json'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(runtime.chooseRuntime({ MCP_HUB_RUNTIME: 'compiled' }, scratch)).toBe('compiled');
  });

  it('runs the embedded hub as the image does: runtime tree only, no compiler loaded, a real tool call', async () => {
    // jest's globalSetup built dist/ from this tree (scripts/jest-global-setup.js).
    expect(runtime.compiledRuntimeFresh()).toBe(true);
    const app = path.join(scratch, 'app');
    assembleRuntime(app);
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(app, 'node_modules'));
    expect(existsSync(path.join(app, 'apps/cli/src'))).toBe(false);
    expect(readdirSync(path.join(app, 'dist')).sort()).toEqual(['build-info.json', 'cli.js', 'start-tracing.js', 'tracing-requested.js']);
    writeFileSync(path.join(scratch, 'forbid-compilers.js'), FORBID_COMPILERS);

    const port = await freePort();
    const env = { ...process.env, MCP_HUB_RUNTIME: 'compiled', LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, ['-r', path.join(scratch, 'forbid-compilers.js'), 'bin/mcp-hub', 'start', '--port', String(port), '--data-dir', path.join(scratch, 'data')], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      for (const until = Date.now() + 30_000; !output.includes(`serving http://127.0.0.1:${port}/mcp`); ) {
        if (child.exitCode !== null || Date.now() > until) throw new Error(`compiled hub did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      const client = new Client({ name: 'image-check', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
      const result = await client.callTool({ name: 'helpdesk_search_tickets', arguments: {} });
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { tickets: unknown[] }).tickets.length).toBeGreaterThan(0);
      await client.close();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(output).not.toContain('compiled runtime loaded');

    // The connector template is read beside the bundle's source folders (`mcp-hub new connector`).
    await run(process.execPath, ['-r', path.join(scratch, 'forbid-compilers.js'), 'bin/mcp-hub', 'new', 'connector', 'demo', '--dir', path.join(scratch, 'demo')], { cwd: app, env });
    expect(existsSync(path.join(scratch, 'demo/src/connector-module.ts'))).toBe(true);
  }, 60_000); // two CLI processes: an embedded hub, then `new connector`

  it('is not needed: bin/mcp-hub runs from the TypeScript sources, as in a fresh clone', async () => {
    const { stdout } = await run(process.execPath, [path.join(repoRoot, 'bin/mcp-hub'), '--help'], { cwd: repoRoot, env: { ...process.env, MCP_HUB_RUNTIME: 'source' } });
    expect(stdout).toContain('One governed MCP endpoint in front of your systems.');
  });
});
