import { freePort } from '@mcp-hub/bus/testing';
import type { LoadSpec, Target } from '../lib/load-spec';
import type { MeasuredRun } from '../lib/load-generator';
import { brief, med, pairedRatio, pairedRatioOf, type BenchContext } from '../lib/context';
import { waitForConnectors } from '../lib/hub-ready';
import { pin, repoRoot, spawnMcpHub, spawnTs, type BenchProcess } from '../lib/processes';
import { row, type ResultRow } from '../lib/report';
import type { Floors } from './s0-floors';

const LEVELS = [
  { c: 1, sessions: 1, perSession: 1 },
  { c: 10, sessions: 10, perSession: 1 },
  { c: 50, sessions: 10, perSession: 5 },
] as const;

/** `*-lean`: the same servers under the lean raw-HTTP client, which leaves the server side the bottleneck. */
type Arm = 'hub' | 'direct' | 'stdio' | 'floor' | 'hub-lean' | 'direct-lean';
const ECHO_ARGS = { text: 'hello' };

/** A server process and the URL of its MCP endpoint. */
export interface ServerUnderTest {
  proc: BenchProcess;
  url: string;
}

/** Starts `mcp-hub hub` (pinned to CPU 0 when pinning) and waits until it lists `connectors`. */
export async function startHubProcess(natsUrl: string, pinning: boolean, configFile: string, connectors: string[], nodeArgs: string[] = [], label = 'hub'): Promise<ServerUnderTest> {
  const port = await freePort();
  const proc = spawnMcpHub(['hub', '--port', String(port), '--nats', natsUrl, '--config', configFile], { env: { LOG_LEVEL: 'info' }, nodeArgs, label });
  const url = (await proc.waitForOutput(/MCP hub serving (http:\/\/\S+)/, 60_000))[1]!;
  if (pinning) pin(proc.pid, '0');
  await waitForConnectors(url, connectors);
  return { proc, url };
}

/**
 * The S1 server: started with --expose-gc and an IPC channel so that S5 can probe its heap too.
 * With `viaNats`, the same server forwards each call to the echo connector over NATS (the S2 floor).
 */
export async function startDirectServer(pinning: boolean, viaNats?: string): Promise<ServerUnderTest> {
  const env = { PORT: '0', ...(viaNats && { VIA_NATS: viaNats }) };
  const proc = spawnTs('bench/fixtures/direct-mcp-server.ts', { env, nodeArgs: ['--expose-gc'], ipc: true, label: viaNats ? 'SDK server + NATS hop' : 'direct server' });
  const url = (await proc.waitForOutput(/on (http:\/\/\S+)/, 60_000))[1]!;
  if (pinning) pin(proc.pid, '0');
  return { proc, url };
}

/**
 * S1 (direct SDK server over Streamable HTTP and stdio) and S2 (the same tool through the hub,
 * NATS and a connector process), interleaved: every repetition runs each level on both arms,
 * in alternating order.
 */
export async function measureHubVsDirect(
  ctx: BenchContext,
  floors: Floors,
  hubUnderTest: ServerUnderTest,
  directServer: ServerUnderTest,
  sdkPlusNats: ServerUnderTest,
  connectorPid: number,
): Promise<ResultRow[]> {
  const { proc: hub, url: hubUrl } = hubUnderTest;
  const { proc: direct, url: directUrl } = directServer;

  const stdioCommand = ctx.pinning ? 'taskset' : process.execPath;
  const stdioArgv = [...(ctx.pinning ? ['-c', '0', process.execPath] : []), '-r', 'tsx/cjs', `${repoRoot}/bench/fixtures/direct-mcp-server.ts`, '--stdio'];
  const targets: Record<Arm, Target> = {
    hub: { kind: 'mcp-http', url: hubUrl, tool: 'echo_echo', args: ECHO_ARGS },
    direct: { kind: 'mcp-http', url: directUrl, tool: 'echo_echo', args: ECHO_ARGS },
    floor: { kind: 'mcp-http', url: sdkPlusNats.url, tool: 'echo_echo', args: ECHO_ARGS },
    'hub-lean': { kind: 'mcp-lean-http', url: hubUrl, tool: 'echo_echo' },
    'direct-lean': { kind: 'mcp-lean-http', url: directUrl, tool: 'echo_echo' },
    stdio: {
      kind: 'mcp-stdio',
      command: stdioCommand,
      argv: stdioArgv,
      env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: `${repoRoot}/tsconfig.base.json` },
      tool: 'echo_echo',
      args: ECHO_ARGS,
    },
  };
  const watched: Record<Arm, Record<string, number>> = {
    hub: { hub: hub.pid, connector: connectorPid, nats: ctx.nats.pid },
    direct: { direct: direct.pid },
    floor: { server: sdkPlusNats.proc.pid, connector: connectorPid, nats: ctx.nats.pid },
    stdio: {},
    'hub-lean': { hub: hub.pid, connector: connectorPid, nats: ctx.nats.pid },
    'direct-lean': { direct: direct.pid },
  };
  const runs = Object.fromEntries(Object.keys(targets).map((arm) => [arm, LEVELS.map(() => [])])) as unknown as Record<Arm, MeasuredRun[][]>;

  for (let rep = 0; rep < ctx.reps; rep++) {
    const order: Arm[] = rep % 2 === 0 ? ['direct', 'hub'] : ['hub', 'direct'];
    for (const [i, level] of LEVELS.entries()) {
      const lean: Arm[] = level.c === 1 ? [] : rep % 2 === 0 ? ['direct-lean', 'hub-lean'] : ['hub-lean', 'direct-lean'];
      const arms: Arm[] = level.c <= 10 ? [...order, 'floor', 'stdio', ...lean] : [...order, 'floor', ...lean];
      for (const arm of arms) {
        // stdio is one connection: c=10 is one session with ten calls in flight.
        const shape = arm === 'stdio' ? { sessions: 1, perSession: level.c } : { sessions: level.sessions, perSession: level.perSession };
        const spec: LoadSpec = { target: targets[arm], ...shape, warmupMs: ctx.warmupMs, durationMs: ctx.windowMs };
        const run = await ctx.loadgen.run(spec, watched[arm]);
        if (run.failures > 0) ctx.log(`  ${arm} c=${level.c}: ${run.failures} failures, e.g. ${run.failureSamples[0]}`);
        runs[arm][i]!.push(run);
        ctx.log(`S2 rep ${rep + 1} c=${level.c} ${arm.padEnd(6)} ${brief(run)}`);
      }
    }
  }

  const [h1, h10, h50] = runs.hub as [MeasuredRun[], MeasuredRun[], MeasuredRun[]];
  const [d1, d10, d50] = runs.direct as [MeasuredRun[], MeasuredRun[], MeasuredRun[]];
  const [s1, s10] = runs.stdio as [MeasuredRun[], MeasuredRun[]];
  const [f1, f10, f50] = runs.floor as [MeasuredRun[], MeasuredRun[], MeasuredRun[]];
  const [, hl10, hl50] = runs['hub-lean'] as [MeasuredRun[], MeasuredRun[], MeasuredRun[]];
  const [, dl10, dl50] = runs['direct-lean'] as [MeasuredRun[], MeasuredRun[], MeasuredRun[]];
  const tput = (r: MeasuredRun) => r.throughput;
  const p50 = (r: MeasuredRun) => r.p50Ms;
  const p99 = (r: MeasuredRun) => r.p99Ms;
  const cpuPerCall = (label: string) => (r: MeasuredRun) => ((r.cpu[label] ?? Number.NaN) * 1000) / r.throughput;
  const serverSide = (r: MeasuredRun) => cpuPerCall('hub')(r) + cpuPerCall('connector')(r) + cpuPerCall('nats')(r);
  const floorRatio = (runsOf: MeasuredRun[], pick: (r: MeasuredRun) => number, floor: number) => med(runsOf, pick) / floor;

  return [
    row('S1 direct', 'SDK Streamable HTTP: p50 latency, c=1 (baseline: node:http floor)', 'ms', med(d1, p50), floors.http.p50c1, floorRatio(d1, p50, floors.http.p50c1)),
    row('S1 direct', 'SDK Streamable HTTP: throughput, c=10 (baseline: node:http floor)', 'calls/s', med(d10, tput), floors.http.throughputC10, floorRatio(d10, tput, floors.http.throughputC10)),
    row('S1 direct', 'SDK Streamable HTTP: server CPU per call, c=10', 'ms', med(d10, cpuPerCall('direct')), null, null),
    row('S1 direct', 'SDK stdio: p50 latency, c=1 (baseline: SDK HTTP)', 'ms', med(s1, p50), med(d1, p50), pairedRatio(s1, d1, p50)),
    row('S1 direct', 'SDK stdio: throughput, 10 in flight (baseline: SDK HTTP c=10)', 'calls/s', med(s10, tput), med(d10, tput), pairedRatio(s10, d10, tput)),
    row('S2 hub', 'p50 latency, c=1 (hub / direct)', 'ms', med(h1, p50), med(d1, p50), pairedRatio(h1, d1, p50), 'ratio <= 1.4'),
    row('S2 hub', 'throughput, c=1 (hub / direct)', 'calls/s', med(h1, tput), med(d1, tput), pairedRatio(h1, d1, tput)),
    row('S2 hub', 'throughput, c=10 = 10 sessions × 1 (hub / direct)', 'calls/s', med(h10, tput), med(d10, tput), pairedRatio(h10, d10, tput), 'ratio >= 0.75'),
    row('S2 hub', 'p50 latency, c=10 (hub / direct)', 'ms', med(h10, p50), med(d10, p50), pairedRatio(h10, d10, p50)),
    row('S2 hub', 'p99 latency, c=10 (hub / direct)', 'ms', med(h10, p99), med(d10, p99), pairedRatio(h10, d10, p99), 'ratio <= 1.8'),
    row('S2 hub', 'throughput, c=50 = 10 sessions × 5 (hub / direct)', 'calls/s', med(h50, tput), med(d50, tput), pairedRatio(h50, d50, tput), 'ratio >= 0.85'),
    row('S2 hub', 'p99 latency, c=50 (hub / direct)', 'ms', med(h50, p99), med(d50, p99), pairedRatio(h50, d50, p99)),
    row('S2 hub', 'hub process CPU per call, c=10 (hub / direct server)', 'ms', med(h10, cpuPerCall('hub')), med(d10, cpuPerCall('direct')), pairedRatioOf(h10, cpuPerCall('hub'), d10, cpuPerCall('direct'))),
    row('S2 hub', 'connector process CPU per call, c=10', 'ms', med(h10, cpuPerCall('connector')), null, null),
    row('S2 hub', 'server side CPU per call, c=10: hub + connector + nats-server (/ direct server)', 'ms', med(h10, serverSide), med(d10, cpuPerCall('direct')), pairedRatioOf(h10, serverSide, d10, cpuPerCall('direct'))),
    row('S2 hub', 'nats-server CPU per call, c=10', 'ms', med(h10, cpuPerCall('nats')), null, null),
    row('S2 hub', 'load generator CPU, c=10 (hub arm / direct arm)', 'cores', med(h10, (r) => r.cpuCores), med(d10, (r) => r.cpuCores), pairedRatio(h10, d10, (r) => r.cpuCores)),
    row('S2 hub', 'machine busy (all CPUs, incl. other users), c=10 (hub arm / direct arm)', '%', med(h10, (r) => r.machineBusy * 100), med(d10, (r) => r.machineBusy * 100), null),
    // The lean client (raw node:http, every reply checked): the server side, not the client, is the limit.
    row('S2 lean', 'server side CPU per call, c=10, lean client: hub + connector + nats-server (/ direct server)', 'ms', med(hl10, serverSide), med(dl10, cpuPerCall('direct')), pairedRatioOf(hl10, serverSide, dl10, cpuPerCall('direct')), 'ratio <= 1.6'),
    row('S2 lean', 'server side CPU per call, c=50, lean client (/ direct server)', 'ms', med(hl50, serverSide), med(dl50, cpuPerCall('direct')), pairedRatioOf(hl50, serverSide, dl50, cpuPerCall('direct'))),
    row('S2 lean', 'hub process CPU per call, c=10, lean client (/ direct server)', 'ms', med(hl10, cpuPerCall('hub')), med(dl10, cpuPerCall('direct')), pairedRatioOf(hl10, cpuPerCall('hub'), dl10, cpuPerCall('direct'))),
    row('S2 lean', 'saturation throughput, c=10, lean client (hub / direct)', 'calls/s', med(hl10, tput), med(dl10, tput), pairedRatio(hl10, dl10, tput), 'ratio >= 0.6'),
    row('S2 lean', 'saturation throughput, c=50, lean client (hub / direct)', 'calls/s', med(hl50, tput), med(dl50, tput), pairedRatio(hl50, dl50, tput), 'ratio >= 0.6'),
    row('S2 lean', 'lean load generator CPU, c=10 (hub arm / direct arm; headroom: well under 1 core)', 'cores', med(hl10, (r) => r.cpuCores), med(dl10, (r) => r.cpuCores), pairedRatio(hl10, dl10, (r) => r.cpuCores)),
    row('S2 lean', 'lean load generator CPU, c=50 (hub arm / direct arm)', 'cores', med(hl50, (r) => r.cpuCores), med(dl50, (r) => r.cpuCores), pairedRatio(hl50, dl50, (r) => r.cpuCores)),
    row('S2 lean', 'failed or wrong replies, lean client, both arms, all levels and repetitions', 'calls', [...hl10, ...hl50, ...dl10, ...dl50].reduce((n, r) => n + r.failures, 0), null, null, 'value <= 0'),
    // The design's floor: the same SDK server whose tool only forwards to the connector over NATS.
    row('S2 floor', 'SDK server + one NATS hop to the connector, no hub logic: p50 c=1 (/ direct)', 'ms', med(f1, p50), med(d1, p50), pairedRatio(f1, d1, p50)),
    row('S2 floor', 'SDK server + one NATS hop: throughput c=10 (/ direct)', 'calls/s', med(f10, tput), med(d10, tput), pairedRatio(f10, d10, tput)),
    row('S2 floor', 'SDK server + one NATS hop: throughput c=50 (/ direct)', 'calls/s', med(f50, tput), med(d50, tput), pairedRatio(f50, d50, tput)),
    row('S2 floor', "hub's own cost: p50 c=1, hub / (SDK server + one NATS hop)", 'ms', med(h1, p50), med(f1, p50), pairedRatio(h1, f1, p50)),
    row('S2 floor', "hub's own cost: throughput c=10, hub / (SDK server + one NATS hop)", 'calls/s', med(h10, tput), med(f10, tput), pairedRatio(h10, f10, tput)),
  ];
}
