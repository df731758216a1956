import { freePort } from '@mcp-hub/bus/testing';
import type { BenchContext } from '../lib/context';
import { waitForConnectors } from '../lib/hub-ready';
import { spawnTs, type BenchProcess } from '../lib/processes';
import type { ServerUnderTest } from './s1-s2-hub-vs-direct';
import { row, type ResultRow } from '../lib/report';
import { slope } from '../lib/stats';

interface HeapReply {
  type: 'heap';
  heapUsed: number;
  sessions?: number;
  error?: string;
}

function heapAfterGc(proc: BenchProcess): Promise<HeapReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${proc.label} did not answer the heap probe`)), 30_000);
    const onMessage = (message: HeapReply) => {
      if (message?.type !== 'heap') return;
      clearTimeout(timer);
      proc.child.off('message', onMessage);
      if (message.error) reject(new Error(message.error));
      else resolve(message);
    };
    proc.child.on('message', onMessage);
    proc.child.send({ type: 'heap' });
  });
}

/**
 * S5: heap retained per call through the hub over a long run, next to the direct SDK server
 * under the same load. Both run with --expose-gc and answer a heap probe (heapUsed after full
 * GCs) over IPC. Calls go in interleaved chunks on 10 long-lived sessions; KB/call is the
 * least-squares slope of heap over calls after a warm-up chunk.
 */
/** The in-process hub of S5 (fixtures/hub-inproc-main.ts), with --expose-gc and IPC. */
export async function startInProcessHub(natsUrl: string): Promise<ServerUnderTest> {
  const port = await freePort();
  const proc = spawnTs('bench/fixtures/hub-inproc-main.ts', { env: { NATS_URL: natsUrl, PORT: String(port) }, nodeArgs: ['--expose-gc'], ipc: true, label: 'in-process hub' });
  const url = (await proc.waitForOutput(/MCP hub serving (http:\/\/\S+)/, 60_000))[1]!;
  await waitForConnectors(url, ['echo']);
  return { proc, url };
}

export async function measureMemory(ctx: BenchContext, inProcessHub: ServerUnderTest, directServer: ServerUnderTest): Promise<ResultRow[]> {
  const chunks = ctx.quick ? 3 : 10;
  // The direct server is the reference only: it runs a fifth of the hub's calls to keep the run short.
  const chunkCalls = { hub: ctx.quick ? 1000 : 10_000, direct: ctx.quick ? 400 : 2000 };
  const warmupCalls = ctx.quick ? 300 : 3000;
  const { proc: hub, url: hubUrl } = inProcessHub;
  const { proc: direct, url: directUrl } = directServer;

  const arms = [
    { name: 'hub' as const, proc: hub, url: hubUrl, calls: [] as number[], heap: [] as number[], total: 0 },
    { name: 'direct' as const, proc: direct, url: directUrl, calls: [] as number[], heap: [] as number[], total: 0 },
  ];
  const chunk = async (arm: (typeof arms)[number], calls: number) => {
    const run = await ctx.loadgen.run({
      target: { kind: 'mcp-http', url: arm.url, tool: 'echo_echo', args: { text: 'hello' } },
      sessions: 10,
      perSession: 5,
      warmupMs: 0,
      durationMs: 0,
      calls,
      poolKey: `s5-${arm.name}`,
    });
    if (run.failures > 0) throw new Error(`S5 ${arm.name}: ${run.failures} failures, e.g. ${run.failureSamples[0]}`);
    return run;
  };
  for (const arm of arms) await chunk(arm, warmupCalls);
  for (const arm of arms) {
    const probe = await heapAfterGc(arm.proc);
    arm.calls.push(0);
    arm.heap.push(probe.heapUsed);
  }
  for (let i = 0; i < chunks; i++) {
    const order = i % 2 === 0 ? arms : [...arms].reverse();
    for (const arm of order) {
      const run = await chunk(arm, chunkCalls[arm.name]);
      arm.total += chunkCalls[arm.name];
      const probe = await heapAfterGc(arm.proc);
      arm.calls.push(arm.total);
      arm.heap.push(probe.heapUsed);
      ctx.log(`S5 ${arm.name} after ${arm.total} calls: heap ${(probe.heapUsed / 1024 / 1024).toFixed(2)} MB (${run.throughput.toFixed(0)}/s, sessions ${probe.sessions})`);
    }
  }
  await ctx.loadgen.closePools();
  const [h, d] = arms as [(typeof arms)[0], (typeof arms)[0]];
  const kbPerCall = (arm: typeof h) => slope(arm.calls, arm.heap) / 1024;
  const growth = (arm: typeof h) => (arm.heap[arm.heap.length - 1]! - arm.heap[0]!) / 1024 / 1024;
  const hubKb = kbPerCall(h);
  const directKb = kbPerCall(d);
  return [
    row('S5 memory', `retained heap per call over ${h.total} calls, c=50 (hub / direct over ${d.total})`, 'KB/call', hubKb, directKb, hubKb / directKb, 'value <= 0.1'),
    row('S5 memory', 'heap growth after GC over the run (hub / direct)', 'MB', growth(h), growth(d), growth(h) / growth(d)),
  ];
}
