import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../../..');
const MCP_HUB_BIN = path.join(repoRoot, 'bin/mcp-hub');

/**
 * A real child process of the project (the `mcp-hub` command or a test fixture), with its output
 * collected so that a failing test can show what the process said.
 */
export class CliProcess {
  private collected = '';
  private exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess, readonly label: string) {
    child.stdout?.on('data', (chunk: Buffer) => (this.collected += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.collected += chunk.toString()));
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Runs `bin/mcp-hub <args>` (in the repository root unless `cwd` says otherwise). */
  static mcpHub(args: string[], env: Record<string, string> = {}, label = args.join(' '), cwd = repoRoot): CliProcess {
    const child = spawn(process.execPath, [MCP_HUB_BIN, ...args], { cwd, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    return new CliProcess(child, label);
  }

  /**
   * Runs a fixture file (`apps/<app>/test/fixtures/*-main.ts`): its bundle from jest's globalSetup
   * when there is one (scripts/jest-global-setup.js: tsx costs a second or more per process),
   * else the TypeScript file under tsx.
   */
  static fixture(file: string, env: Record<string, string> = {}, label = path.basename(file)): CliProcess {
    const bundleName = path.relative(repoRoot, file).replace(/\.ts$/, '').split(path.sep).join('--');
    const bundled = process.env.MCP_HUB_TEST_FIXTURES_DIR && path.join(process.env.MCP_HUB_TEST_FIXTURES_DIR, `${bundleName}.js`);
    const args = bundled && existsSync(bundled) ? [bundled] : ['-r', 'tsx/cjs', file];
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(repoRoot, 'tsconfig.base.json'), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new CliProcess(child, label);
  }

  /** Runs `node <args>` in `cwd` with exactly `env` (a connector package's own main, outside this repository). */
  static node(args: string[], cwd: string, env: NodeJS.ProcessEnv, label: string): CliProcess {
    return new CliProcess(spawn(process.execPath, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] }), label);
  }

  get output(): string {
    return this.collected;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once the output matches; rejects with the output so far after `timeoutMs`. */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const match = this.collected.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`${this.label} exited (${this.child.exitCode}) before printing ${pattern}:\n${this.collected}`);
      if (Date.now() > until) throw new Error(`${this.label} did not print ${pattern} within ${timeoutMs} ms:\n${this.collected}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Counts lines of output matching the pattern. */
  count(pattern: RegExp): number {
    return this.collected.split('\n').filter((line) => pattern.test(line)).length;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  async exited(timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label} did not exit within ${timeoutMs} ms:\n${this.collected}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exit!, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs if still running (test cleanup). */
  async stop(): Promise<void> {
    this.kill('SIGKILL');
    await this.exited().catch(() => undefined);
  }
}
