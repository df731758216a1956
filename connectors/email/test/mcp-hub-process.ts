import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../..');

/** `bin/mcp-hub <args>` as a child process, its output collected (a connector's tests may not import the CLI's). */
export class McpHubProcess {
  private collected = '';
  private readonly exit: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly label: string) {
    child.stdout!.on('data', (chunk: Buffer) => (this.collected += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.collected += chunk.toString()));
    this.exit = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static start(args: string[], env: Record<string, string>, label: string): McpHubProcess {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/mcp-hub'), ...args], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    return new McpHubProcess(child, label);
  }

  get output(): string {
    return this.collected;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const match = this.collected.match(pattern);
      if (match) return match;
      if (this.child.exitCode !== null) throw new Error(`${this.label} exited (${this.child.exitCode}) before printing ${pattern}:\n${this.collected}`);
      if (Date.now() > until) throw new Error(`${this.label} did not print ${pattern} within ${timeoutMs} ms:\n${this.collected}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exit;
    clearTimeout(timer);
  }
}
