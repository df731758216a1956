import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { CONTRACT_VERSION, ManifestSchema, Subjects, encode, manifestDigest } from '@mcp-hub/connector-contract';
import { HubFixture, waitFor } from './hub-fixture';
import { send } from './raw-http';

interface Sample {
  value?: string;
  labels?: Record<string, string>;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

const SECRET_ARGUMENT = 'argument-text-7f3a9c';
const PRINCIPAL_ID = 'principal-id-51d2e8';

/** A connector whose one tool never answers, for the timeout outcome. */
function startSilentConnector(fixture: HubFixture): void {
  const subjects = new Subjects();
  const manifest = ManifestSchema.parse({
    id: 'mute',
    version: '1.0.0',
    contractVersion: CONTRACT_VERSION,
    tools: [{ name: 'wait', description: 'never answers', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } }],
  });
  fixture.bus.subscribe(subjects.invoke('mute', 'wait'), () => undefined);
  fixture.bus.publish(subjects.registry('mute', 'announce'), encode({ replicaId: 'mute-1', manifest, manifestDigest: manifestDigest(manifest), heartbeatMs: 60_000 }));
}

async function scrape(fixture: HubFixture): Promise<{ text: string; families: Map<string, Family> }> {
  const response = await send(fixture.url, { method: 'GET', path: '/metrics', headers: {} });
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  const families = new Map<string, Family>();
  for (const family of parsePrometheusTextFormat(response.text) as Family[]) families.set(family.name, family);
  return { text: response.text, families };
}

/** The histogram's series with their labels: this parser folds a labelled histogram into one set of buckets, so it reads them untyped. */
function histogramSeries(text: string, name: string): Map<string, Family> {
  const untyped = text.replace(`# TYPE ${name} histogram\n`, '');
  const families = new Map<string, Family>();
  // Untyped, each run of `_bucket`, `_sum` or `_count` lines is a family of its own: gather them by name.
  for (const family of parsePrometheusTextFormat(untyped) as Family[]) {
    const seen = families.get(family.name);
    if (seen) seen.metrics.push(...family.metrics);
    else families.set(family.name, family);
  }
  return families;
}

function valueOf(family: Family | undefined, labels: Record<string, string>): number | undefined {
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
}

describe('hub /metrics', () => {
  let fixture: HubFixture;
  beforeEach(async () => {
    fixture = await new HubFixture().start({ principalFor: () => ({ id: PRINCIPAL_ID, scopes: ['*'] }) }, 300);
    await fixture.addConnector('echo');
    startSilentConnector(fixture);
    await waitFor(() => fixture.hub.inventory.replicaCount('mute') === 1);
  });
  afterEach(() => fixture.stop());

  it('counts calls by connector, tool and outcome, with consistent latency histograms and bounded labels', async () => {
    const client = await fixture.client();
    await client.callTool({ name: 'echo_echo', arguments: { text: SECRET_ARGUMENT } });
    await client.callTool({ name: 'echo_echo', arguments: { text: SECRET_ARGUMENT } });
    await client.callTool({ name: 'echo_fail', arguments: { kind: 'conflict' } });
    await client.callTool({ name: 'mute_wait', arguments: { note: SECRET_ARGUMENT } });
    await expect(client.callTool({ name: `no_such_${SECRET_ARGUMENT}`, arguments: {} })).rejects.toThrow();

    const { text, families } = await scrape(fixture);
    const calls = families.get('mcphub_calls_total');
    expect(calls?.type).toBe('COUNTER');
    expect(valueOf(calls, { connector: 'echo', operation: 'tool_call', tool: 'echo_echo', outcome: 'ok' })).toBe(2);
    expect(valueOf(calls, { connector: 'echo', operation: 'tool_call', tool: 'echo_fail', outcome: 'tool_error' })).toBe(1);
    expect(valueOf(calls, { connector: 'mute', operation: 'tool_call', tool: 'mute_wait', outcome: 'timeout' })).toBe(1);
    expect(valueOf(calls, { connector: 'unknown', tool: 'unknown', outcome: 'invalid_params' })).toBe(1);

    const errors = families.get('mcphub_errors_total');
    expect(valueOf(errors, { source: 'connector', kind: 'conflict' })).toBe(1);
    expect(valueOf(errors, { source: 'hub', kind: 'timeout' })).toBe(1);
    expect(valueOf(errors, { source: 'client', kind: 'invalid_params' })).toBe(1);

    expect(valueOf(families.get('mcphub_connectors'), {})).toBe(2);
    expect(valueOf(families.get('mcphub_connector_replicas'), { connector: 'echo' })).toBe(1);
    expect(valueOf(families.get('mcphub_connector_replicas'), { connector: 'mute' })).toBe(1);
    expect(valueOf(families.get('mcphub_bus_status'), { status: 'connected' })).toBe(1);
    expect(valueOf(families.get('mcphub_bus_status'), { status: 'closed' })).toBe(0);
    expect(valueOf(families.get('mcphub_sessions'), { era: '2025' })).toBe(1);
    expect(valueOf(families.get('mcphub_calls_in_flight'), {})).toBe(0);

    // Histogram: per series, buckets never decrease, +Inf equals _count, and _count matches the calls counter.
    const histogram = histogramSeries(text, 'mcphub_call_duration_seconds');
    const buckets = histogram.get('mcphub_call_duration_seconds_bucket')!.metrics;
    const counts = histogram.get('mcphub_call_duration_seconds_count')!.metrics;
    expect(counts.length).toBeGreaterThanOrEqual(4);
    for (const count of counts) {
      const { connector, operation, outcome } = count.labels!;
      const series = buckets.filter((b) => b.labels!.connector === connector && b.labels!.operation === operation && b.labels!.outcome === outcome);
      const values = series.map((b) => Number(b.value));
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(Number(series.find((b) => b.labels!.le === '+Inf')!.value)).toBe(Number(count.value));
      const counted = calls!.metrics.filter((m) => m.labels!.connector === connector && m.labels!.operation === operation && m.labels!.outcome === outcome);
      expect(counted.reduce((sum, m) => sum + Number(m.value), 0)).toBe(Number(count.value));
    }
    // The timed-out call waited for its deadline; the echo calls did not: their latencies are ordered.
    const sums = histogram.get('mcphub_call_duration_seconds_sum')!.metrics;
    const sumOf = (connector: string, outcome: string) => Number(sums.find((s) => s.labels!.connector === connector && s.labels!.outcome === outcome)!.value);
    expect(sumOf('mute', 'timeout')).toBeGreaterThan(sumOf('echo', 'ok'));

    // No label value carries an argument or the principal.
    const labelValues = [...families.values(), ...histogram.values()].flatMap((f) => f.metrics.flatMap((m) => Object.values(m.labels ?? {})));
    expect(labelValues.length).toBeGreaterThan(0);
    for (const value of labelValues) {
      expect(value).not.toContain(SECRET_ARGUMENT);
      expect(value).not.toContain(PRINCIPAL_ID);
    }
    expect(text).not.toContain(SECRET_ARGUMENT);
    expect(text).not.toContain(PRINCIPAL_ID);
  });

  it('drops a connector that left from the replica gauges', async () => {
    await fixture.connectors[0]!.stop();
    fixture.connectors = [];
    await waitFor(() => fixture.hub.inventory.replicaCount('echo') === 0);
    const { families } = await scrape(fixture);
    expect(valueOf(families.get('mcphub_connector_replicas'), { connector: 'echo' })).toBeUndefined();
    expect(valueOf(families.get('mcphub_connectors'), {})).toBe(1);
  });

  it('guards /metrics with the Host check, like /readyz', async () => {
    const response = await send(fixture.url, { method: 'GET', path: '/metrics', headers: { host: 'evil.example' } });
    expect(response.status).toBe(403);
  });
});
