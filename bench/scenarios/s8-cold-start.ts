import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@mcp-hub/bus/testing';
import type { BenchContext } from '../lib/context';
import { cpuSeconds, sleep, spawnMcpHub, type BenchProcess } from '../lib/processes';
import { row, type ResultRow } from '../lib/report';
import { median } from '../lib/stats';

type Runtime = 'compiled' | 'source';

/** The two services of a distributed deployment; each is ready when its /readyz answers 200. */
const SERVICES = [
  { name: 'hub', args: (port: number, natsUrl: string) => ['hub', '--port', String(port), '--nats', natsUrl] },
  { name: 'connector', args: (port: number, natsUrl: string) => ['connector', 'helpdesk', '--metrics-port', String(port), '--nats', natsUrl] },
] as const;

/** How long a started process is left alone before its RSS is read: start-up garbage collected, nothing served. */
const IDLE_MS = 3000;

interface Start {
  readyMs: number;
  /** CPU time (user + system) of the process until ready: less at the mercy of other load than readyMs. */
  readyCpuMs: number;
  idleRssMb: number;
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-hub-bench-s8-'));

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1]) / 1024;
}

async function startOnce(ctx: BenchContext, service: (typeof SERVICES)[number], runtime: Runtime): Promise<Start> {
  const port = await freePort();
  const started = process.hrtime.bigint();
  const proc: BenchProcess = spawnMcpHub(service.args(port, ctx.natsUrl), { env: { MCP_HUB_RUNTIME: runtime, LOG_LEVEL: 'warn', HELPDESK_SQLITE_PATH: path.join(dataDir, 'helpdesk.sqlite') }, label: `${service.name} (${runtime})` });
  try {
    for (;;) {
      if (!proc.alive) throw new Error(`${proc.label} exited before it was ready:\n${proc.output}`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      if (Number(process.hrtime.bigint() - started) > 60e9) throw new Error(`${proc.label} not ready within 60 s:\n${proc.output}`);
      await sleep(5);
    }
    const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
    const readyCpuMs = cpuSeconds(proc.pid) * 1000;
    await sleep(IDLE_MS);
    return { readyMs, readyCpuMs, idleRssMb: rssMb(proc.pid) };
  } finally {
    await proc.stop();
  }
}

/**
 * S8 cold start: `bin/mcp-hub hub` and `bin/mcp-hub connector helpdesk`, from process start to
 * /readyz answering 200, and their RSS once idle; the compiled runtime (dist/, `npm run build`,
 * as the image runs it; bench/run.ts builds it first) against the TypeScript sources through tsx (its transform cache warm
 * after the first repetition, as on a developer's machine). Interleaved, medians.
 */
export async function measureColdStart(ctx: BenchContext): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const service of SERVICES) {
    const runs: Record<Runtime, Start[]> = { compiled: [], source: [] };
    // One unmeasured start per runtime fills the page cache and tsx's transform cache.
    await startOnce(ctx, service, 'source');
    await startOnce(ctx, service, 'compiled');
    for (let rep = 0; rep < ctx.reps; rep++) {
      const order: Runtime[] = rep % 2 === 0 ? ['compiled', 'source'] : ['source', 'compiled'];
      for (const runtime of order) runs[runtime].push(await startOnce(ctx, service, runtime));
      ctx.log(`S8 ${service.name} rep ${rep + 1}: compiled ${runs.compiled.at(-1)!.readyMs.toFixed(0)} ms, source ${runs.source.at(-1)!.readyMs.toFixed(0)} ms`);
    }
    const ratio = (pick: (s: Start) => number) => median(runs.compiled.map((s, i) => pick(s) / pick(runs.source[i]!)));
    const ready = (s: Start) => s.readyMs;
    const readyCpu = (s: Start) => s.readyCpuMs;
    const rss = (s: Start) => s.idleRssMb;
    const label = service.name === 'hub' ? 'mcp-hub hub' : 'mcp-hub connector helpdesk';
    rows.push(row('S8 cold start', `${label}: process start to /readyz 200, compiled (/ tsx source)`, 'ms', median(runs.compiled.map(ready)), median(runs.source.map(ready)), ratio(ready)));
    rows.push(row('S8 cold start', `${label}: CPU time until /readyz 200, compiled (/ tsx source)`, 'ms', median(runs.compiled.map(readyCpu)), median(runs.source.map(readyCpu)), ratio(readyCpu)));
    const rssTarget = service.name === 'hub' ? 'value <= 80' : 'value <= 60';
    rows.push(row('S8 cold start', `${label}: idle RSS ${IDLE_MS / 1000} s after ready, compiled (/ tsx source)`, 'MB', median(runs.compiled.map(rss)), median(runs.source.map(rss)), ratio(rss), rssTarget));
  }
  return rows;
}
