import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const TSX_ENV = { TSX_TSCONFIG_PATH: path.join(repoRoot, 'tsconfig.base.json') };
const running = new Set<BenchProcess>();

/** A child process of the benchmark, with its output kept for error messages. */
export class BenchProcess {
  private collected = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.collected = (this.collected + chunk.toString()).slice(-20_000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.collected = (this.collected + chunk.toString()).slice(-20_000)));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get output(): string {
    return this.collected;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const match = this.collected.match(pattern);
      if (match) return match;
      if (!this.alive) throw new Error(`${this.label} exited before printing ${pattern}:\n${this.collected}`);
      if (Date.now() > until) throw new Error(`${this.label} did not print ${pattern} within ${timeoutMs} ms:\n${this.collected}`);
      await sleep(25);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Runs a TypeScript file of the repository under tsx, as `node [nodeArgs] -r tsx/cjs file`. */
export function spawnTs(file: string, options: { env?: Record<string, string>; nodeArgs?: string[]; ipc?: boolean; label?: string } = {}): BenchProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '-r', 'tsx/cjs', path.resolve(repoRoot, file)], {
    cwd: repoRoot,
    env: { ...process.env, ...TSX_ENV, ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  return new BenchProcess(child, options.label ?? path.basename(file));
}

/** Runs `bin/mcp-hub <args>`, the command operators run. */
export function spawnMcpHub(args: string[], options: { env?: Record<string, string>; nodeArgs?: string[]; label?: string } = {}): BenchProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(repoRoot, 'bin/mcp-hub'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new BenchProcess(child, options.label ?? `mcp-hub ${args[0]}`);
}

/** A nats-server of the benchmark's own (no JetStream: request-reply only). */
export async function spawnNatsServer(port: number): Promise<BenchProcess> {
  const child = spawn(NATS_SERVER_BIN, ['-a', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new BenchProcess(child, 'nats-server');
  await server.waitForOutput(/Server is ready/, 10_000);
  return server;
}

/** Kills every process the benchmark started and that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop(2000)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Pins every thread of `pid` to the CPU list (`"0"`, `"1"`, `"0,1"`); false when taskset is missing. */
export function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system) the process has used so far, or NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Machine-wide busy and total jiffies (all CPUs) from /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}
