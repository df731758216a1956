import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchContext } from '../lib/context';
import { summarizeProfile, type ProfileSummary } from '../lib/cpu-profile';
import { repoRoot } from '../lib/processes';
import { brief } from '../lib/context';
import { startHubProcess, type ServerUnderTest } from './s1-s2-hub-vs-direct';

export const PROFILE_DIR = path.join(repoRoot, 'bench/results/profile');

/**
 * The hub process under `node --cpu-prof` while serving S2's c=10 load (a run of its own: the
 * profiler's overhead must not touch the S2 figures). Writes the raw .cpuprofile and a summary.
 */
export function startProfiledHub(natsUrl: string, pinning: boolean, configFile: string): Promise<ServerUnderTest> {
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  mkdirSync(PROFILE_DIR, { recursive: true });
  return startHubProcess(natsUrl, pinning, configFile, ['echo'], ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', 'hub-s2-c10.cpuprofile'], 'profiled hub');
}

/** Loads the profiled hub (started at set-up, idle since) at c=10, stops it and reads its profile for the window only. */
export async function profileHub(ctx: BenchContext, profiled: ServerUnderTest): Promise<ProfileSummary & { file: string; throughput: number }> {
  const { proc: hub, url } = profiled;
  const run = await ctx.loadgen.run(
    { target: { kind: 'mcp-http', url, tool: 'echo_echo', args: { text: 'hello' } }, sessions: 10, perSession: 1, warmupMs: ctx.warmupMs, durationMs: ctx.quick ? 3000 : 15_000 },
    { hub: hub.pid },
  );
  ctx.log(`profile run: ${brief(run)}`);
  await hub.stop(15_000);
  const file = readdirSync(PROFILE_DIR).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the profiled hub wrote no profile:\n${hub.output}`);
  const summary = summarizeProfile(path.join(PROFILE_DIR, file), run.monotonicUs);
  writeFileSync(path.join(PROFILE_DIR, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return { ...summary, file: path.relative(repoRoot, path.join(PROFILE_DIR, file)), throughput: run.throughput };
}
