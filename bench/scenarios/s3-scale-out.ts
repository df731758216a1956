import type { MeasuredRun } from '../lib/load-generator';
import { brief, med, type BenchContext } from '../lib/context';
import { waitForConnectors } from '../lib/hub-ready';
import { pin, sleep, spawnTs, type BenchProcess } from '../lib/processes';
import type { ServerUnderTest } from './s1-s2-hub-vs-direct';
import { row, type ResultRow } from '../lib/report';
import { median } from '../lib/stats';

const SLOTS = 8;
const STEP_MS = 50;
/** Calls per second one replica can serve: 8 slots / 50 ms. */
const REPLICA_CAPACITY = (SLOTS * 1000) / STEP_MS;
const OVERLOAD = 1.5;
const SLOW_ARGS = { steps: 1, stepMs: STEP_MS };
const GROUPS = [
  { n: 1, id: 'scale1' },
  { n: 2, id: 'scale2' },
  { n: 4, id: 'scale4' },
] as const;

/** Starts the replicas of every group (1 + 2 + 4 processes, capped at 8 calls each). */
export function startScaleReplicas(natsUrl: string): BenchProcess[] {
  return GROUPS.flatMap(({ n, id }) =>
    Array.from({ length: n }, (_, index) =>
      spawnTs('bench/fixtures/echo-connector-main.ts', {
        env: { NATS_URL: natsUrl, CONNECTOR_ID: id, MAX_CONCURRENCY: String(SLOTS), HEARTBEAT_MS: '1000' },
        label: `${id} replica ${index}`,
      }),
    ),
  );
}

export const SCALE_CONNECTORS = GROUPS.map((g) => g.id);

/**
 * S3: the 50 ms tool on 1, 2 and 4 replicas capped at 8 calls each, offered 1.5 × their
 * capacity (closed loop, 12 × N calls in flight); efficiency is throughput at N over N × the
 * single replica's throughput measured in the same repetition. Then one of the two replicas of
 * N=2 is SIGKILLed mid-run. Runs on the S2 hub process.
 */
export async function measureScaleOut(ctx: BenchContext, hubUnderTest: ServerUnderTest, replicas: BenchProcess[]): Promise<ResultRow[]> {
  const { proc: hub, url } = hubUnderTest;
  await waitForConnectors(url, SCALE_CONNECTORS);
  // Every process shares both CPUs here: the question is how work spreads, not what one process costs.
  if (ctx.pinning) for (const p of [hub, ...replicas, ctx.nats, ctx.loadgen.process]) pin(p.pid, '0,1');

  const target = (id: string) => ({ kind: 'mcp-http' as const, url, tool: `${id}_slow`, args: SLOW_ARGS });
  const overload: MeasuredRun[][] = GROUPS.map(() => []);
  const busOnly: MeasuredRun[][] = GROUPS.map(() => []);
  const light: MeasuredRun[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    const order = rep % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
    for (const i of order) {
      const { n, id } = GROUPS[i]!;
      const inFlight = Math.ceil(OVERLOAD * SLOTS * n);
      const run = await ctx.loadgen.run(
        { target: target(id), sessions: 6, perSession: inFlight / 6, warmupMs: ctx.warmupMs, durationMs: ctx.windowMs },
        { hub: hub.pid },
      );
      overload[i]!.push(run);
      ctx.log(`S3 rep ${rep + 1} N=${n} in flight ${inFlight}: ${brief(run)}`);
      // The same load straight onto the queue group: what the replicas and NATS do without MCP and the hub.
      const bus = await ctx.loadgen.run({
        target: { kind: 'bus-invoke', servers: ctx.natsUrl, connector: id, tool: 'slow', args: SLOW_ARGS },
        sessions: 1,
        perSession: inFlight,
        warmupMs: ctx.warmupMs,
        durationMs: ctx.windowMs,
      });
      busOnly[i]!.push(bus);
      ctx.log(`S3 rep ${rep + 1} N=${n} bus only: ${brief(bus)}`);
    }
    if (ctx.quick) continue;
    // Half the capacity of two replicas: the latency the hub adds when nothing queues.
    const run = await ctx.loadgen.run({ target: target('scale2'), sessions: 4, perSession: 2, warmupMs: ctx.warmupMs, durationMs: ctx.windowMs }, { hub: hub.pid });
    light.push(run);
    ctx.log(`S3 rep ${rep + 1} N=2 at 0.5× capacity: ${brief(run)}`);
  }

  const rows: ResultRow[] = [];
  const [one, two, four] = overload as [MeasuredRun[], MeasuredRun[], MeasuredRun[]];
  const efficiency = (runs: MeasuredRun[], n: number) => median(runs.map((r, rep) => r.throughput / (n * one[rep]!.throughput)));
  rows.push(
    row('S3 scale-out', 'N=1 throughput at 1.5× capacity (baseline: 8 slots / 50 ms)', 'calls/s', med(one, (r) => r.throughput), REPLICA_CAPACITY, med(one, (r) => r.throughput) / REPLICA_CAPACITY),
    row('S3 scale-out', 'N=2 efficiency: throughput / (2 × N=1)', 'calls/s', med(two, (r) => r.throughput), 2 * med(one, (r) => r.throughput), efficiency(two, 2), 'ratio >= 0.9'),
    row('S3 scale-out', 'N=4 efficiency: throughput / (4 × N=1)', 'calls/s', med(four, (r) => r.throughput), 4 * med(one, (r) => r.throughput), efficiency(four, 4), 'ratio >= 0.8'),
    row('S3 scale-out', 'N=4 throughput vs ideal 4 × 160', 'calls/s', med(four, (r) => r.throughput), 4 * REPLICA_CAPACITY, med(four, (r) => r.throughput) / (4 * REPLICA_CAPACITY)),
  );
  const [busOne, busTwo, busFour] = busOnly as [MeasuredRun[], MeasuredRun[], MeasuredRun[]];
  const busEfficiency = (runs: MeasuredRun[], n: number) => median(runs.map((r, rep) => r.throughput / (n * busOne[rep]!.throughput)));
  rows.push(
    row('S3 scale-out', 'bus only (no MCP, no hub): N=1 throughput vs 8 slots / 50 ms', 'calls/s', med(busOne, (r) => r.throughput), REPLICA_CAPACITY, med(busOne, (r) => r.throughput) / REPLICA_CAPACITY),
    row('S3 scale-out', 'bus only: N=2 efficiency', 'calls/s', med(busTwo, (r) => r.throughput), 2 * med(busOne, (r) => r.throughput), busEfficiency(busTwo, 2)),
    row('S3 scale-out', 'bus only: N=4 efficiency', 'calls/s', med(busFour, (r) => r.throughput), 4 * med(busOne, (r) => r.throughput), busEfficiency(busFour, 4)),
    row('S3 scale-out', 'bus only: N=2 p50 latency at 1.5× capacity', 'ms', med(busTwo, (r) => r.p50Ms), STEP_MS, med(busTwo, (r) => r.p50Ms) / STEP_MS),
  );
  for (const [i, { n }] of GROUPS.entries()) {
    const runs = overload[i]!;
    rows.push(row('S3 scale-out', `N=${n} p50 latency at 1.5× capacity (baseline: tool time)`, 'ms', med(runs, (r) => r.p50Ms), STEP_MS, med(runs, (r) => r.p50Ms) / STEP_MS, 'value <= 55'));
  }
  if (!ctx.quick) rows.push(row('S3 scale-out', 'N=2 p50 latency at 0.5× capacity (baseline: tool time)', 'ms', med(light, (r) => r.p50Ms), STEP_MS, med(light, (r) => r.p50Ms) / STEP_MS, 'value <= 55'));
  rows.push(row('S3 scale-out', 'N=4 machine busy at 1.5× capacity (all CPUs, incl. other users)', '%', med(four, (r) => r.machineBusy * 100), null, null));

  rows.push(...(await killOneReplica(ctx, url, hub, replicas.filter((r) => r.label.startsWith('scale2 ')), med(one, (r) => r.throughput))));
  return rows;
}

/** Two replicas at 1.5× their capacity; one is SIGKILLed 2 s (quick) or 4 s into the window. */
async function killOneReplica(ctx: BenchContext, url: string, hub: BenchProcess, pair: BenchProcess[], oneReplicaThroughput: number): Promise<ResultRow[]> {
  const killAtMs = ctx.quick ? 2000 : 4000;
  const durationMs = ctx.quick ? 8000 : 15_000;
  let killedAt = 0;
  const run = await ctx.loadgen.run(
    {
      target: { kind: 'mcp-http', url, tool: 'scale2_slow', args: SLOW_ARGS },
      sessions: 6,
      perSession: 4,
      warmupMs: ctx.warmupMs,
      durationMs,
      timeline: true,
      markAtMs: killAtMs,
    },
    { hub: hub.pid },
    () => {
      killedAt = Date.now();
      pair[0]!.kill('SIGKILL');
    },
  );
  await sleep(100);
  const killOffset = killedAt - run.windowStart;
  const timeline = run.timeline ?? [];
  const failures = run.failureTimes ?? [];
  const lastFailure = failures.length > 0 ? Math.max(...failures) - killOffset : 0;
  // Recovery: first 500 ms after the kill whose throughput is back to 90 % of one replica's.
  const perBucket = (from: number) => timeline.slice(from, from + 5).reduce((sum, [ok]) => sum + ok, 0) * 2;
  const before = median(timeline.slice(10, Math.floor(killOffset / 100)).map(([ok]) => ok * 10));
  let recoveredAt = Number.NaN;
  for (let b = Math.ceil(killOffset / 100); b + 5 <= timeline.length; b++) {
    if (perBucket(b) >= 0.9 * oneReplicaThroughput) {
      recoveredAt = b * 100 - killOffset;
      break;
    }
  }
  ctx.log(`S3 kill: failures ${run.failures} (${run.failureSamples[0] ?? 'none'}), last failure ${lastFailure} ms after kill, throughput back at ${recoveredAt} ms`);
  return [
    row('S3 kill', 'failed calls after SIGKILL of 1 of 2 replicas (24 in flight)', 'calls', run.failures, null, null),
    row('S3 kill', 'time from kill to the last failed call (hub call timeout 5 s)', 'ms', lastFailure, null, null),
    row('S3 kill', 'time from kill until throughput ≥ 0.9 × one replica', 'ms', recoveredAt, null, null),
    row('S3 kill', 'throughput before kill (baseline: 2 × N=1)', 'calls/s', before, 2 * oneReplicaThroughput, before / (2 * oneReplicaThroughput)),
  ];
}
