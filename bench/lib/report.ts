import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './processes';
import { round } from './stats';

/** One line of the results: a measured value against a baseline measured in the same run. */
export interface ResultRow {
  scenario: string;
  metric: string;
  /** Measured value (median over repetitions), in `unit`; null when not measured. */
  value: number | null;
  /** Baseline (median over repetitions), same unit; null when the row is absolute. */
  baseline: number | null;
  /** Median of per-repetition value/baseline ratios (paired, interleaved); null without a baseline. */
  ratio: number | null;
  /** `ratio <= 1.4`, `value <= 55`…; null when the issue sets no target. */
  target: string | null;
  pass: boolean | null;
  unit: string;
  note?: string;
}

export function row(
  scenario: string,
  metric: string,
  unit: string,
  value: number | null,
  baseline: number | null,
  ratio: number | null,
  target: string | null = null,
  note?: string,
): ResultRow {
  return { scenario, metric, value: num(value), baseline: num(baseline), ratio: num(ratio), target, pass: evaluate(target, value, ratio), unit, ...(note && { note }) };
}

function num(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : round(value);
}

function evaluate(target: string | null, value: number | null, ratio: number | null): boolean | null {
  if (!target) return null;
  const match = /^(value|ratio) (<=|>=) (-?[\d.]+)$/.exec(target);
  if (!match) throw new Error(`bad target ${target}`);
  const subject = match[1] === 'value' ? value : ratio;
  if (subject === null || !Number.isFinite(subject)) return false;
  return match[2] === '<=' ? subject <= Number(match[3]) : subject >= Number(match[3]);
}

function commandVersion(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).trim().split('\n')[0]!;
  } catch {
    return 'unavailable';
  }
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

/** The commit the run measured, and whether the working tree differed from it (uncommitted changes measured too). */
export function sourceState(): { commit: string; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return { commit: 'unknown', dirty: null };
  }
}

export function versions(): Record<string, string> {
  return {
    node: process.version,
    natsServer: commandVersion('nats-server', ['--version']),
    redis: commandVersion('redis-server', ['--version']),
    '@modelcontextprotocol/server': packageVersion('@modelcontextprotocol/server'),
    '@modelcontextprotocol/client': packageVersion('@modelcontextprotocol/client'),
    '@modelcontextprotocol/node': packageVersion('@modelcontextprotocol/node'),
    '@modelcontextprotocol/core': packageVersion('@modelcontextprotocol/core'),
    '@nats-io/transport-node': packageVersion('@nats-io/transport-node'),
    cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
    os: `${os.type()} ${os.release()}`,
  };
}

function fmt(value: number | null): string {
  return value === null ? '—' : String(value);
}

/** The results as a Markdown table (also what the console shows). */
export function table(rows: ResultRow[]): string {
  const header = ['scenario', 'metric', 'value', 'baseline', 'ratio', 'target', 'pass'];
  const lines = rows.map((r) => [
    r.scenario,
    r.metric,
    r.value === null ? (r.note ?? 'not measured') : `${fmt(r.value)} ${r.unit}`,
    r.baseline === null ? '—' : `${fmt(r.baseline)} ${r.unit}`,
    fmt(r.ratio),
    r.target ?? '—',
    r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const all = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...all.map((l) => l[i]!.length)));
  const render = (l: string[]) => `| ${l.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [render(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...lines.map(render)].join('\n');
}

export function writeResults(file: string, content: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
}
