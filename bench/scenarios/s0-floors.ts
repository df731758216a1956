import type { Target } from '../lib/load-spec';
import type { MeasuredRun } from '../lib/load-generator';
import { brief, med, type BenchContext } from '../lib/context';
import { pin, spawnTs } from '../lib/processes';
import { row, type ResultRow } from '../lib/report';

export interface Floors {
  rows: ResultRow[];
  /** node:http JSON-RPC echo medians, the baseline of S1. */
  http: { p50c1: number; throughputC10: number };
}

/** S0: what the transports cost with nothing on top (raw NATS request-reply, node:http, Redis PING). */
export async function measureFloors(ctx: BenchContext): Promise<Floors> {
  const httpEcho = spawnTs('bench/fixtures/http-echo-server.ts', { env: { PORT: '0' } });
  const subject = 'bench.floor.echo';
  const responder = spawnTs('bench/fixtures/nats-echo-responder.ts', { env: { NATS_URL: ctx.natsUrl, SUBJECT: subject } });
  const url = (await httpEcho.waitForOutput(/on (http:\/\/\S+)/))[1]!;
  await responder.waitForOutput(/nats responder ready/);
  if (ctx.pinning) {
    pin(httpEcho.pid, '0');
    pin(responder.pid, '0');
  }
  const targets: Array<[string, Target, number | undefined]> = [
    ['node:http JSON-RPC echo', { kind: 'http-jsonrpc', url }, httpEcho.pid],
    ['NATS request-reply (nats.js)', { kind: 'nats', servers: ctx.natsUrl, subject }, responder.pid],
    ['Redis PING (raw RESP)', { kind: 'redis', host: '127.0.0.1', port: 6379 }, undefined],
  ];
  const runs = new Map<string, { c1: MeasuredRun[]; c10: MeasuredRun[] }>(targets.map(([name]) => [name, { c1: [], c10: [] }]));
  for (let rep = 0; rep < ctx.reps; rep++) {
    for (const [name, target, pid] of targets) {
      const watched: Record<string, number> = pid ? { server: pid } : {};
      const c1 = await ctx.loadgen.run({ target, sessions: 1, perSession: 1, warmupMs: ctx.warmupMs / 2, durationMs: ctx.windowMs / 2 }, watched);
      const c10 = await ctx.loadgen.run({ target, sessions: 10, perSession: 1, warmupMs: ctx.warmupMs / 2, durationMs: ctx.windowMs / 2 }, watched);
      runs.get(name)!.c1.push(c1);
      runs.get(name)!.c10.push(c10);
      ctx.log(`S0 rep ${rep + 1} ${name}: c=1 ${brief(c1)} | c=10 ${brief(c10)}`);
    }
  }
  await Promise.all([httpEcho.stop(), responder.stop()]);
  const rows: ResultRow[] = [];
  for (const [name] of targets) {
    const { c1, c10 } = runs.get(name)!;
    rows.push(row('S0 floor', `${name}: p50 latency, c=1`, 'ms', med(c1, (r) => r.p50Ms), null, null));
    rows.push(row('S0 floor', `${name}: throughput, c=10`, 'calls/s', med(c10, (r) => r.throughput), null, null));
  }
  const http = runs.get(targets[0]![0])!;
  return { rows, http: { p50c1: med(http.c1, (r) => r.p50Ms), throughputC10: med(http.c10, (r) => r.throughput) } };
}
