/**
 * S9 tracing off (the operations issue's figure): what OpenTelemetry's instrumentation costs a
 * call when no exporter is configured (the default). A call passes three instrumented points: the
 * hub's span around the forwarded call (`inSpan`), the invoker's `currentTraceparent`, and the
 * replica's span around its handler (`inSpan`). This scenario times those three, with tracing off
 * and trivial work inside, against the same work without them, and sets the difference against a
 * whole tool call through an in-process hub (`Hub.callTool`, echo connector) measured in the same
 * run. The ratio is the share of a call's time the instrumentation takes.
 */
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { runConnector } from '@mcp-hub/connector-kit';
import { createEchoConnector } from '@mcp-hub/connector-kit/testing';
import { Hub } from '@mcp-hub/hub';
import { currentTraceparent, inSpan, tracingEnabled } from '@mcp-hub/telemetry';
import type { BenchContext } from '../lib/context';
import { row, type ResultRow } from '../lib/report';
import { median } from '../lib/stats';

const CALLS = 2000;
const INSTRUMENTED_ROUNDS = 200_000;

export async function measureTracingOff(ctx: BenchContext): Promise<ResultRow[]> {
  if (tracingEnabled()) throw new Error('S9 measures tracing off: unset OTEL_EXPORTER_OTLP_ENDPOINT');
  const logger = pino({ level: 'silent' });
  const bus = new InProcessBus();
  const hub = new Hub({ bus, hubId: 'bench-s9', logger });
  await hub.start();
  const service = await runConnector(createEchoConnector('echo'), { bus, deps: { aborted: [] }, logger });
  while (hub.inventory.replicaCount('echo') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const principal = { id: 'bench', scopes: ['*'] };

  /** µs per whole call through the hub, every reply checked. */
  const callMicros = async (): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) {
      const text = `s9-${i}`;
      const result = await hub.callTool('echo_echo', { text }, { principal });
      if (result.isError || !JSON.stringify(result.content).includes(text)) throw new Error(`S9: a wrong reply: ${JSON.stringify(result).slice(0, 200)}`);
    }
    return ((performance.now() - started) * 1000) / CALLS;
  };
  const work = async () => 1;
  const attributes = { 'mcphub.connector': 'echo', 'mcphub.operation': 'tool_call', 'mcphub.tool': 'echo_echo' };
  /** µs per round of the three instrumented points around trivial work (`instrumented`), or of the work alone. */
  const roundMicros = async (instrumented: boolean): Promise<number> => {
    let sink = 0;
    const started = performance.now();
    for (let i = 0; i < INSTRUMENTED_ROUNDS; i++) {
      if (instrumented) {
        sink += await inSpan('tool_call echo_echo', 'client', attributes, work, undefined, (r) => r < 0);
        sink += currentTraceparent() === undefined ? 0 : 1;
        sink += await inSpan('echo_echo', 'server', attributes, work);
      } else {
        sink += await work();
        sink += await work();
      }
    }
    if (sink < INSTRUMENTED_ROUNDS) throw new Error('S9: the work did not run');
    return ((performance.now() - started) * 1000) / INSTRUMENTED_ROUNDS;
  };

  try {
    ctx.log('S9 tracing off: warm-up');
    await callMicros();
    await roundMicros(true);
    await roundMicros(false);
    const overheads: number[] = [];
    const calls: number[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      const plain = await roundMicros(false);
      const instrumented = await roundMicros(true);
      const call = await callMicros();
      overheads.push(Math.max(0, instrumented - plain));
      calls.push(call);
      ctx.log(`S9 tracing off rep ${rep + 1}: instrumentation ${((instrumented - plain) * 1000).toFixed(0)} ns per call, a whole call ${call.toFixed(1)} µs`);
    }
    const overhead = median(overheads);
    const call = median(calls);
    return [
      row('S9 tracing off', 'OpenTelemetry instrumentation per call with tracing off (3 points), vs a whole call through an in-process hub', 'µs', overhead, call, overhead / call, 'ratio <= 0.01',
        'paired per repetition; the whole call is Hub.callTool to the echo connector on the in-process bus, every reply checked'),
    ];
  } finally {
    await service.stop();
    hub.stop();
    await bus.close();
  }
}
