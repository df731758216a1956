import type { LoadGenerator, MeasuredRun } from './load-generator';
import type { BenchProcess } from './processes';
import { median } from './stats';

/** What every scenario gets from bench/run.ts. */
export interface BenchContext {
  quick: boolean;
  /** Interleaved repetitions of each A/B pair. */
  reps: number;
  warmupMs: number;
  windowMs: number;
  /** Pin the server under test to CPU 0 and everything else to CPU 1 (see docs/benchmarks.md). */
  pinning: boolean;
  natsUrl: string;
  nats: BenchProcess;
  loadgen: LoadGenerator;
  log(message: string): void;
}

/** Median of a field over runs. */
export function med(runs: MeasuredRun[], pick: (run: MeasuredRun) => number): number {
  return median(runs.map(pick));
}

/** Median of per-repetition ratios a[i]/b[i] (runs paired by repetition). */
export function pairedRatio(a: MeasuredRun[], b: MeasuredRun[], pick: (run: MeasuredRun) => number): number {
  return median(a.map((run, i) => pick(run) / pick(b[i]!)));
}

/** Median of per-repetition ratios pickA(a[i]) / pickB(b[i]). */
export function pairedRatioOf(a: MeasuredRun[], pickA: (run: MeasuredRun) => number, b: MeasuredRun[], pickB: (run: MeasuredRun) => number): number {
  return median(a.map((run, i) => pickA(run) / pickB(b[i]!)));
}

/** A one-line summary of a run for the progress log. */
export function brief(run: MeasuredRun): string {
  const cpu = Object.entries(run.cpu)
    .map(([label, cores]) => `${label}=${cores.toFixed(2)}`)
    .join(' ');
  // Shed calls are left out of throughput and p50/p99, so their count and the p50 of all calls are shown beside them.
  const shed = run.shed > 0 ? ` shed=${run.shed} (p50 all=${run.p50AllMs.toFixed(2)} ms)` : '';
  const notIssued = run.notIssued > 0 ? ` not-issued=${run.notIssued}` : '';
  return `${run.throughput.toFixed(0)}/s p50=${run.p50Ms.toFixed(2)} p99=${run.p99Ms.toFixed(2)} ms fail=${run.failures}${shed}${notIssued} cpu[${cpu} loadgen=${run.cpuCores.toFixed(2)}] machine=${(run.machineBusy * 100).toFixed(0)}%`;
}
