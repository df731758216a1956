import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HubFixture } from './hub-fixture';

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Bounded load and soak (loopback, fixed counts): the hub's per-call state (pending calls,
 * progress routes, validator cache, session maps) must not grow with the number of calls.
 */
describe('hub under sustained load', () => {
  let fixture: HubFixture;
  beforeAll(async () => {
    fixture = await new HubFixture().start({}, 10_000);
    await fixture.addConnector('echo');
  });
  afterAll(() => fixture.stop());

  it('keeps the heap flat over 50k calls through the core (bus, invoker, validator, policy, recent calls)', async () => {
    const principal = { id: 'soak', scopes: ['*'] };
    const batch = async (calls: number) => {
      for (let i = 0; i < calls; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) => fixture.hub.callTool('echo_echo', { text: `m${i + j}` }, { principal, onProgress: () => undefined })),
        );
      }
    };
    await batch(10_000); // warm-up: JIT, caches, the recent-calls ring filled
    const before = heapAfterGc();
    // 50k calls: a leak of the 100 B/call bound shows as 5 MB, far above GC noise, in half the time of 100k.
    await batch(50_000);
    const after = heapAfterGc();
    const perCallBytes = (after - before) / 50_000;
    process.stderr.write(`soak: heap ${(before / 1e6).toFixed(1)} MB → ${(after / 1e6).toFixed(1)} MB, ${perCallBytes.toFixed(3)} B/call retained\n`);
    expect(perCallBytes).toBeLessThan(100); // ≤ 0.1 KB per call
  }, 240_000);

  it('serves 10 sessions × 200 calls over HTTP with every call answered and nothing left pending', async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, () => fixture.client()));
    const latencies: number[] = [];
    await Promise.all(
      clients.map(async (client, c) => {
        for (let i = 0; i < 200; i++) {
          const started = performance.now();
          const result = await client.callTool({ name: 'echo_echo', arguments: { text: `${c}:${i}` } });
          latencies.push(performance.now() - started);
          expect(result.structuredContent).toEqual({ text: `${c}:${i}` });
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
    process.stderr.write(`load: ${latencies.length} calls, p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms\n`);
    expect(latencies).toHaveLength(2000);
    expect(fixture.hub.callsInFlight).toBe(0);
    expect(fixture.front.sessions.size).toBe(10);
  }, 120_000);
});
