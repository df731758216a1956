import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import pino from 'pino';
import { z } from 'zod';
import { InProcessBus } from '@mcp-hub/bus';
import { defineConnectorModule } from './connector-module';
import { startConnector, type RunningConnector } from './start-connector';
import { ConnectorHarness, createEchoConnector, type EchoDeps } from './testing';

interface Family {
  name: string;
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string }[];
}

const echoModule = defineConnectorModule({
  id: 'echo',
  configSchema: z.object({}),
  fromEnv: () => ({}),
  embeddedConfig: () => ({}),
  create: async () => ({ connector: createEchoConnector(), deps: { aborted: [] } as EchoDeps, close: async () => undefined }),
});

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

/** A replica's own port: Prometheus metrics of what it served, and the probes Kubernetes uses. */
describe('replica metrics and probes port', () => {
  let bus: InProcessBus;
  let running: RunningConnector;
  beforeEach(async () => {
    bus = new InProcessBus();
    running = await startConnector(echoModule, {
      sources: { embedded: false, dataDir: '/nonexistent', fromFile: {}, env: {} },
      bus,
      logger: pino({ level: 'silent' }),
      replica: { metricsPort: 0, heartbeatMs: 60_000, maxConcurrency: 1 },
    });
  });
  afterEach(async () => {
    await running.stop();
    await bus.close();
  });

  it('counts each answered request by tool and outcome, with latency, and parses as Prometheus text', async () => {
    const harness = ConnectorHarness.attach(bus, running.service);
    await harness.callTool('echo', { text: 'secret-argument-4d2' });
    await harness.callTool('echo', { text: 'again' });
    await expect(harness.callTool('fail', { kind: 'conflict' })).rejects.toMatchObject({ reply: { kind: 'conflict' } });
    await expect(harness.readResource('echo://nothing/here')).rejects.toMatchObject({ reply: { kind: 'not_found' } });

    const { status, text } = await get(`${running.metricsUrl}/metrics`);
    expect(status).toBe(200);
    expect(text).not.toContain('secret-argument-4d2');
    const families = new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]));
    const calls = families.get('mcphub_connector_calls_total')!.metrics.map((m) => ({ ...m.labels, value: m.value }));
    expect(calls).toEqual(
      expect.arrayContaining([
        { connector: 'echo', tool: 'echo', outcome: 'ok', value: '2' },
        { connector: 'echo', tool: 'fail', outcome: 'conflict', value: '1' },
        { connector: 'echo', tool: 'resources/read', outcome: 'not_found', value: '1' },
      ]),
    );
    expect(families.get('mcphub_connector_call_duration_seconds')).toBeDefined();
    // The parser drops a histogram's labels; read untyped, `_count` is a family of its own (as in the hub's metrics test).
    const untyped = parsePrometheusTextFormat(text.replace('# TYPE mcphub_connector_call_duration_seconds histogram\n', '')) as Family[];
    const counts = untyped.filter((f) => f.name === 'mcphub_connector_call_duration_seconds_count').flatMap((f) => f.metrics);
    expect(counts.find((m) => m.labels?.tool === 'echo')?.value).toBe('2');
    expect(families.get('mcphub_connector_calls_in_flight')!.metrics[0]!.value).toBe('0');
    expect(families.get('mcphub_connector_bus_connected')!.metrics[0]!.value).toBe('1');
    expect(families.has('mcphub_connector_process_resident_memory_bytes')).toBe(true);
  });

  it('counts busy refusals and calls in flight at scrape time', async () => {
    const harness = ConnectorHarness.attach(bus, running.service);
    const slow = harness.callTool('slow', { steps: 5, step_ms: 40 });
    await new Promise((r) => setTimeout(r, 30));
    await expect(harness.callTool('echo', { text: 'x' })).rejects.toMatchObject({ reply: { kind: 'busy' } });
    const during = new Map((parsePrometheusTextFormat((await get(`${running.metricsUrl}/metrics`)).text) as Family[]).map((f) => [f.name, f]));
    expect(during.get('mcphub_connector_calls_in_flight')!.metrics[0]!.value).toBe('1');
    expect(during.get('mcphub_connector_busy_refusals_total')!.metrics[0]!.value).toBe('1');
    await slow;
    const after = new Map((parsePrometheusTextFormat((await get(`${running.metricsUrl}/metrics`)).text) as Family[]).map((f) => [f.name, f]));
    expect(after.get('mcphub_connector_busy_refusals_total')!.metrics[0]!.value).toBe('1');
  });

  it('is ready while connected and not draining; healthz answers; nothing else is served', async () => {
    expect(await get(`${running.metricsUrl}/readyz`)).toEqual({ status: 200, text: 'ready\n' });
    expect((await get(`${running.metricsUrl}/healthz`)).status).toBe(200);
    expect((await get(`${running.metricsUrl}/admin`)).status).toBe(404);
    expect((await fetch(`${running.metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405);
    const url = running.metricsUrl!;
    const draining = running.service.stop();
    expect(await get(`${url}/readyz`)).toEqual({ status: 503, text: 'not ready: draining\n' });
    await draining;
  });

  it('reports a bus that went down as not ready', async () => {
    await bus.close();
    expect(await get(`${running.metricsUrl}/readyz`)).toEqual({ status: 503, text: 'not ready: NATS closed\n' });
  });
});
