/**
 * The hub's benchmark: `npm run bench` (full) or `npm run bench -- --quick` (under 3 minutes).
 * Options: --only S0,S2,S3,S4,S5,S6,S7,S8,S9,profile   --no-pin (do not pin processes to CPUs).
 * Every figure is compared with a baseline measured in the same run (interleaved A/B, median of
 * repetitions). Prints a table and writes bench/results/latest.json. See docs/benchmarks.md.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@mcp-hub/bus/testing';
import type { BenchContext } from './lib/context';
import { LoadGenerator } from './lib/load-generator';
import { pin, repoRoot, spawnNatsServer, spawnTs, stopAll } from './lib/processes';
import { sourceState, table, versions, writeResults, type ResultRow } from './lib/report';
import { measureFloors, type Floors } from './scenarios/s0-floors';
import { measureHubVsDirect, startDirectServer, startHubProcess } from './scenarios/s1-s2-hub-vs-direct';
import { measureScaleOut, startScaleReplicas } from './scenarios/s3-scale-out';
import { measureMemory, startInProcessHub } from './scenarios/s5-memory';
import { profileHub, startProfiledHub } from './scenarios/profile-hub';
import { measureDatabase } from './scenarios/s6-database';
import { measureJobs } from './scenarios/s4-jobs';
import { measureGithub } from './scenarios/s7-github';
import { measureTracingOff } from './scenarios/s9-tracing-off';
import { measureColdStart } from './scenarios/s8-cold-start';

const RESULTS_FILE = path.join(repoRoot, 'bench/results/latest.json');

function option(name: string): string | undefined {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (arg) return arg.slice(name.length + 3);
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const only = new Set((option('only') ?? 'S0,S2,S3,S4,S5,S6,S7,S8,S9,profile').split(',').map((s) => s.trim()));
  const started = Date.now();
  // TODO(#21): the rest of part 1 (sessionless 2026-07-28 rows, open-loop latency curve at 25–90 %
  // of saturation, S3 kill recovery from calls in flight) and parts 2–3 (new scenarios, a lean front).
  const log = (message: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
  const pinning = !process.argv.includes('--no-pin') && pin(process.pid, '0,1');

  // The hub and connectors run as in production: the compiled bundle, built now from this tree.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const built = await (require('../scripts/build.js') as { build(): Promise<{ files: number; ms: number }> }).build();
  log(`dist/ built from ${built.files} files in ${built.ms} ms; bin/mcp-hub runs it (MCP_HUB_RUNTIME=compiled)`);
  process.env.MCP_HUB_RUNTIME = 'compiled';

  const configDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-hub-bench-'));
  const configFile = path.join(configDir, 'hub.json');
  // A 5 s call deadline instead of 30 s so the kill test of S3 fits in the run; nothing else depends on it.
  writeFileSync(configFile, JSON.stringify({ calls: { timeoutMs: 5000 } }));

  const nats = await spawnNatsServer(await freePort());
  const natsUrl = `nats://127.0.0.1:${nats.child.spawnargs[nats.child.spawnargs.indexOf('-p') + 1]}`;
  // Everything starts at once, before any measurement: start-up under tsx is slow on a busy machine.
  const connector = spawnTs('bench/fixtures/echo-connector-main.ts', { env: { NATS_URL: natsUrl, CONNECTOR_ID: 'echo' }, label: 'echo connector' });
  const replicas = only.has('S3') ? startScaleReplicas(natsUrl) : [];
  const [loadgen, direct, sdkPlusNats, hub, profiled, inProcessHub] = await Promise.all([
    LoadGenerator.start(),
    only.has('S2') || only.has('S5') ? startDirectServer(pinning) : undefined,
    only.has('S2') ? startDirectServer(pinning, natsUrl) : undefined,
    only.has('S2') || only.has('S3') ? startHubProcess(natsUrl, pinning, configFile, ['echo']) : undefined,
    only.has('profile') ? startProfiledHub(natsUrl, pinning, configFile) : undefined,
    only.has('S5') ? startInProcessHub(natsUrl) : undefined,
    connector.waitForOutput(/bench connector ready/, 60_000),
    ...replicas.map((r) => r.waitForOutput(/bench connector ready/, 60_000)),
  ]);
  // The server side of each arm gets CPU 0 whole, the client gets CPU 1: the direct arm's server
  // alone, the hub arm's hub, nats-server and connector together (see docs/benchmarks.md).
  if (pinning) {
    for (const p of [nats, connector, ...replicas]) pin(p.pid, '0');
    pin(loadgen.pid, '1');
  }
  const ctx: BenchContext = {
    quick,
    reps: quick ? 3 : 5,
    warmupMs: quick ? 400 : 1000,
    windowMs: quick ? 1200 : 4000,
    pinning,
    natsUrl,
    nats,
    loadgen,
    log,
  };
  log(`mode ${quick ? 'quick' : 'full'}: ${ctx.reps} repetitions, ${ctx.warmupMs} ms warm-up, ${ctx.windowMs} ms windows, pinning ${pinning ? 'on' : 'off'}`);

  const rows: ResultRow[] = [];
  let profile: Awaited<ReturnType<typeof profileHub>> | undefined;
  try {
    let floors: Floors = { rows: [], http: { p50c1: Number.NaN, throughputC10: Number.NaN } };
    if (only.has('S0') || only.has('S2')) {
      floors = await measureFloors(ctx);
      rows.push(...floors.rows);
    }
    if (only.has('S2')) rows.push(...(await measureHubVsDirect(ctx, floors, hub!, direct!, sdkPlusNats!, connector.pid)));
    if (only.has('S3')) rows.push(...(await measureScaleOut(ctx, hub!, replicas)));
    if (only.has('S4')) rows.push(...(await measureJobs(ctx)));
    if (only.has('S5')) rows.push(...(await measureMemory(ctx, inProcessHub!, direct!)));
    if (only.has('S6')) rows.push(...(await measureDatabase(ctx)));
    if (only.has('S7')) rows.push(...(await measureGithub(ctx)));
    if (only.has('S8')) rows.push(...(await measureColdStart(ctx)));
    if (only.has('S9')) rows.push(...(await measureTracingOff(ctx)));
    if (only.has('profile')) {
      if (pinning) {
        // The hub alone on CPU 0: the profiler samples wall time, so a process sharing the hub's
        // core would show up as time inside the hub's socket writes (it runs while they block).
        for (const p of [loadgen.process, nats, connector]) pin(p.pid, '1');
        pin(profiled!.proc.pid, '0');
      }
      profile = await profileHub(ctx, profiled!);
    }
  } finally {
    await loadgen.stop().catch(() => undefined);
    await stopAll();
  }

  const output = table(rows);
  process.stdout.write(`\n${output}\n`);
  writeFileSync(path.join(repoRoot, 'bench/results/latest.md'), `${output}\n`);
  if (profile) {
    process.stdout.write(`\nHub CPU profile during S2 c=10 (${profile.throughput.toFixed(0)} calls/s, ${profile.file}), self time by origin:\n`);
    for (const c of profile.categories) process.stdout.write(`  ${c.category.padEnd(28)} ${(c.share * 100).toFixed(1).padStart(5)} %\n`);
    process.stdout.write('Top self-time frames:\n');
    for (const f of profile.top.slice(0, 20)) process.stdout.write(`  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.category.padEnd(24)} ${f.name} ${f.where}\n`);
  }
  const passed = rows.filter((r) => r.pass === true).length;
  const failed = rows.filter((r) => r.pass === false).length;
  process.stdout.write(`\ntargets: ${passed} pass, ${failed} fail; ${((Date.now() - started) / 1000).toFixed(0)} s; results in ${path.relative(repoRoot, RESULTS_FILE)}\n`);
  writeResults(RESULTS_FILE, {
    generatedAt: new Date().toISOString(),
    ...sourceState(),
    runtime: 'compiled',
    mode: quick ? 'quick' : 'full',
    repetitions: ctx.reps,
    windowMs: ctx.windowMs,
    warmupMs: ctx.warmupMs,
    pinning,
    versions: versions(),
    results: rows,
    ...(profile && { profile }),
  });
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${(error as Error)?.stack ?? error}\n`);
  await stopAll();
  process.exit(1);
});
