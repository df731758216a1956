import type { MeasuredRun } from '../lib/load-generator';
import type { LoadSpec, Target } from '../lib/load-spec';
import { brief, med, pairedRatioOf, type BenchContext } from '../lib/context';
import { waitForConnectors } from '../lib/hub-ready';
import { pin, sleep, spawnTs, type BenchProcess } from '../lib/processes';
import type { ServerUnderTest } from './s1-s2-hub-vs-direct';
import { row, type ResultRow } from '../lib/report';
import { median } from '../lib/stats';

const SLOTS = 8;
const STEP_MS = 50;
/** Calls per second one replica can serve: 8 slots / 50 ms. */
const REPLICA_CAPACITY = (SLOTS * 1000) / STEP_MS;
/** Offered load as a multiple of the replicas' capacity (an arrival rate: open loop). */
const OVERLOAD = 1.5;
/** MCP sessions the hub arm's calls are spread over; the bus arm has one NATS connection, as the hub does. */
const HUB_SESSIONS = 6;
const SLOW_ARGS = { steps: 1, step_ms: STEP_MS };
/** `efficiency` is the target for successful throughput / (N × one replica's capacity). */
const GROUPS = [
  { n: 1, id: 'scale1', efficiency: null },
  { n: 2, id: 'scale2', efficiency: 'ratio >= 0.9' },
  { n: 4, id: 'scale4', efficiency: 'ratio >= 0.8' },
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
 * S3: the 50 ms tool on 1, 2 and 4 replicas capped at 8 calls each, offered 1.5 × their capacity
 * as an open loop (calls arrive at a fixed rate whatever the replies), through the hub and
 * straight onto the queue group. Efficiency is successful throughput over N × one replica's
 * capacity; calls the replicas shed as "at capacity" are counted apart from failures and left out
 * of throughput and latency. Then one of the two replicas of N=2 is SIGKILLed mid-run. Runs on
 * the S2 hub process.
 */
export async function measureScaleOut(ctx: BenchContext, hubUnderTest: ServerUnderTest, replicas: BenchProcess[]): Promise<ResultRow[]> {
  const { proc: hub, url } = hubUnderTest;
  await waitForConnectors(url, SCALE_CONNECTORS);
  // Every process shares both CPUs here: the question is how work spreads, not what one process costs.
  if (ctx.pinning) for (const p of [hub, ...replicas, ctx.nats, ctx.loadgen.process]) pin(p.pid, '0,1');

  const hubTarget = (id: string): Target => ({ kind: 'mcp-http', url, tool: `${id}_slow`, args: SLOW_ARGS });
  const busTarget = (id: string): Target => ({ kind: 'bus-invoke', servers: ctx.natsUrl, connector: id, tool: 'slow', args: SLOW_ARGS });
  const openLoop = (target: Target, sessions: number, ratePerSec: number): LoadSpec => ({ target, sessions, ratePerSec, warmupMs: ctx.warmupMs, durationMs: ctx.windowMs });
  const overload: MeasuredRun[][] = GROUPS.map(() => []);
  const busOnly: MeasuredRun[][] = GROUPS.map(() => []);
  const light: MeasuredRun[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    const order = rep % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
    for (const i of order) {
      const { n, id } = GROUPS[i]!;
      const rate = OVERLOAD * n * REPLICA_CAPACITY;
      const run = await ctx.loadgen.run(openLoop(hubTarget(id), HUB_SESSIONS, rate), { hub: hub.pid });
      overload[i]!.push(run);
      ctx.log(`S3 rep ${rep + 1} N=${n} offered ${rate}/s (issued ${run.offeredPerSec.toFixed(0)}/s): ${brief(run)}`);
      // The same load straight onto the queue group: what the replicas and NATS do without MCP and the hub.
      const bus = await ctx.loadgen.run(openLoop(busTarget(id), 1, rate));
      busOnly[i]!.push(bus);
      ctx.log(`S3 rep ${rep + 1} N=${n} bus only (issued ${bus.offeredPerSec.toFixed(0)}/s): ${brief(bus)}`);
    }
    if (ctx.quick) continue;
    // Half the capacity of two replicas: the latency the hub adds when nothing queues.
    const run = await ctx.loadgen.run(openLoop(hubTarget('scale2'), HUB_SESSIONS, 0.5 * 2 * REPLICA_CAPACITY), { hub: hub.pid });
    light.push(run);
    ctx.log(`S3 rep ${rep + 1} N=2 at 0.5× capacity: ${brief(run)}`);
  }

  const rows = [...armRows('', overload, true), ...armRows('bus only: ', busOnly, false)];
  if (!ctx.quick) rows.push(row('S3 scale-out', 'N=2 p50 latency at 0.5× capacity (baseline: tool time)', 'ms', med(light, (r) => r.p50Ms), STEP_MS, med(light, (r) => r.p50Ms) / STEP_MS, 'value <= 55'));
  // On two cores the MCP client is the costliest process at N=4: these say whether the machine or the generator was the ceiling.
  rows.push(
    row('S3 scale-out', 'N=4 machine busy at 1.5× capacity (all CPUs, incl. other users)', '%', med(overload[2]!, (r) => r.machineBusy * 100), null, null),
    row('S3 scale-out', 'N=4 load generator CPU at 1.5× capacity', 'cores', med(overload[2]!, (r) => r.cpuCores), null, null),
  );

  rows.push(...(await killOneReplica(ctx, url, hub, replicas.filter((r) => r.label.startsWith('scale2 ')))));
  return rows;
}

/** The rows of one arm (hub or bus only), `runs[i]` holding the repetitions of GROUPS[i]; the targets apply to the hub arm. */
function armRows(prefix: string, runs: MeasuredRun[][], withTargets: boolean): ResultRow[] {
  const throughput = (r: MeasuredRun) => r.throughput;
  const p50 = (r: MeasuredRun) => r.p50Ms;
  const p50All = (r: MeasuredRun) => r.p50AllMs;
  const one = runs[0]!;
  const rows: ResultRow[] = [];
  for (const [i, { n, efficiency }] of GROUPS.entries()) {
    const group = runs[i]!;
    const ideal = n * REPLICA_CAPACITY;
    const label = `${prefix}N=${n}`;
    rows.push(
      row('S3 scale-out', `${label} successful throughput at 1.5× capacity (baseline: ideal ${n} × 8 slots / 50 ms)`, 'calls/s', med(group, throughput), ideal, med(group, (r) => r.throughput / ideal), withTargets ? efficiency : null),
    );
    if (n > 1) {
      const scaled = (r: MeasuredRun) => n * r.throughput;
      rows.push(row('S3 scale-out', `${label} successful throughput vs ${n} × (N=1 of the same repetition)`, 'calls/s', med(group, throughput), med(one, scaled), pairedRatioOf(group, throughput, one, scaled)));
    }
    rows.push(
      row('S3 scale-out', `${label} p50 latency of successful calls (baseline: tool time)`, 'ms', med(group, p50), STEP_MS, med(group, p50) / STEP_MS, withTargets ? 'value <= 55' : null),
      row('S3 scale-out', `${label} p50 latency of all completed calls, shed ones included`, 'ms', med(group, p50All), STEP_MS, med(group, p50All) / STEP_MS),
      row(
        'S3 scale-out',
        `${label} calls shed "at capacity" per s, of calls issued per s (${OVERLOAD * ideal} scheduled; ratio: share shed)`,
        'calls/s',
        med(group, (r) => (r.shed * 1000) / r.windowMs),
        med(group, (r) => r.offeredPerSec),
        med(group, (r) => r.shed / r.issued),
      ),
    );
  }
  const notIssued = runs.flat().reduce((sum, r) => sum + r.notIssued, 0);
  rows.push(row('S3 scale-out', `${prefix}calls not issued by the load generator (outstanding bound), all N and repetitions`, 'calls', notIssued, null, null));
  return rows;
}

/** Two replicas offered 1.5× their capacity; one is SIGKILLed 2 s (quick) or 4 s into the window. */
async function killOneReplica(ctx: BenchContext, url: string, hub: BenchProcess, pair: BenchProcess[]): Promise<ResultRow[]> {
  const killAtMs = ctx.quick ? 2000 : 4000;
  const durationMs = ctx.quick ? 8000 : 15_000;
  const rate = OVERLOAD * 2 * REPLICA_CAPACITY;
  let killedAt = 0;
  const run = await ctx.loadgen.run(
    {
      target: { kind: 'mcp-http', url, tool: 'scale2_slow', args: SLOW_ARGS },
      sessions: HUB_SESSIONS,
      ratePerSec: rate,
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
  // Recovery: first 500 ms after the kill whose successful throughput is back to 90 % of one replica's capacity.
  const perBucket = (from: number) => timeline.slice(from, from + 5).reduce((sum, [ok]) => sum + ok, 0) * 2;
  const before = median(timeline.slice(10, Math.floor(killOffset / 100)).map(([ok]) => ok * 10));
  let recoveredAt = Number.NaN;
  for (let b = Math.ceil(killOffset / 100); b + 5 <= timeline.length; b++) {
    if (perBucket(b) >= 0.9 * REPLICA_CAPACITY) {
      recoveredAt = b * 100 - killOffset;
      break;
    }
  }
  ctx.log(
    `S3 kill: offered ${rate}/s (issued ${run.offeredPerSec.toFixed(0)}/s), failures ${run.failures} (${run.failureSamples[0] ?? 'none'}), shed ${run.shed}, not issued ${run.notIssued}, ` +
      `last failure ${lastFailure} ms after kill, throughput back at ${recoveredAt} ms`,
  );
  return [
    row('S3 kill', `failed calls (not shed) after SIGKILL of 1 of 2 replicas, ${rate} calls/s offered`, 'calls', run.failures, null, null),
    row('S3 kill', 'calls shed "at capacity" over the window (1.5× capacity offered throughout)', 'calls', run.shed, null, null),
    row('S3 kill', 'calls not issued by the load generator (outstanding bound)', 'calls', run.notIssued, null, null),
    row('S3 kill', 'time from kill to the last failed call (hub call timeout 5 s)', 'ms', lastFailure, null, null),
    row('S3 kill', 'time from kill until successful throughput ≥ 0.9 × one replica (8 slots / 50 ms)', 'ms', recoveredAt, null, null),
    row('S3 kill', 'successful throughput before kill (baseline: ideal 2 × 8 slots / 50 ms)', 'calls/s', before, 2 * REPLICA_CAPACITY, before / (2 * REPLICA_CAPACITY)),
  ];
}
