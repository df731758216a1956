import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NatsServerProcess, freePort } from '@mcp-hub/bus/testing';
import { CliProcess } from './support/cli-process';
import { waitFor } from './support/wait-for';

const DATABASE_URL = process.env.HELPDESK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface CollectedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
}

/**
 * An OTLP/HTTP (JSON) trace receiver in the test process: the in-memory exporter both processes
 * send their spans to, as a collector would receive them.
 */
async function startCollector(): Promise<{ server: Server; url: string; spans: CollectedSpan[] }> {
  const spans: CollectedSpan[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: Omit<CollectedSpan, 'service'>[] }[] }[];
      };
      for (const resourceSpans of body.resourceSpans) {
        const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
        for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) spans.push({ service, name: span.name, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, kind: span.kind });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans };
}

/** One tool call, one trace: client → hub process → connector process → PostgreSQL, connected by the traceparent on NATS. */
describe('OpenTelemetry traces across processes', () => {
  const schema = `it_trace_${process.pid}_${Date.now() % 100000}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'trace-'));
  const processes: CliProcess[] = [];
  let nats: NatsServerProcess;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let url: string;

  beforeAll(async () => {
    collector = await startCollector();
    nats = await NatsServerProcess.start();
    const configFile = path.join(dir, 'hub.json');
    writeFileSync(configFile, JSON.stringify({ connectors: { helpdesk: { store: { kind: 'postgres', url: DATABASE_URL, schema }, seedDemoData: true } } }));
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };
    const hub = CliProcess.mcpHub(['hub', '--port', String(await freePort()), '--nats', nats.url, '--config', configFile], otel, 'hub');
    processes.push(hub);
    url = (await hub.waitForOutput(/MCP hub serving (http:\/\/\S+)/, 60_000))[1]!;
    const connector = CliProcess.mcpHub(['connector', 'helpdesk', '--nats', nats.url, '--config', configFile], otel, 'helpdesk');
    processes.push(connector);
    await connector.waitForOutput(/connector replica started/, 60_000);
  }, 120_000);

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await nats?.stop();
    collector?.server.close();
    execFileSync('psql', [DATABASE_URL, '-q', '-c', `DROP SCHEMA IF EXISTS ${schema} CASCADE`], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('the client span is the root of the hub span, the connector span and the SQL spans', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const client = new Client({ name: 'traced-agent', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } } }));
    try {
      await waitFor(async () => (await client.listTools()).tools.some((t) => t.name === 'helpdesk_search_tickets'), 20_000, 'helpdesk tools');
      const result = await client.callTool({ name: 'helpdesk_search_tickets', arguments: {} });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }

    const inTrace = () => collector.spans.filter((s) => s.traceId === traceId);
    const byId = () => new Map(inTrace().map((s) => [s.spanId, s]));
    const connectorSpan = () => inTrace().find((s) => s.service === 'mcp-hub-connector-helpdesk' && s.name === 'helpdesk search_tickets');
    await waitFor(() => {
      const connector = connectorSpan();
      const ids = byId();
      return connector !== undefined && ids.has(connector.parentSpanId ?? '') && inTrace().some((s) => s.parentSpanId === connector.spanId && s.service === 'mcp-hub-connector-helpdesk');
    }, 20_000, 'the hub span, the connector span and its SQL spans');

    const spans = byId();
    const connector = connectorSpan()!;
    const hubCall = spans.get(connector.parentSpanId!);
    expect(hubCall).toMatchObject({ service: 'mcp-hub-hub', name: 'tool_call helpdesk_search_tickets' });
    // Up from the hub's call span: the inbound HTTP request, whose parent is the client's span.
    const ancestors: CollectedSpan[] = [];
    for (let span = hubCall; span?.parentSpanId && spans.has(span.parentSpanId); span = spans.get(span.parentSpanId)) ancestors.push(spans.get(span.parentSpanId)!);
    expect(ancestors.at(-1)).toMatchObject({ service: 'mcp-hub-hub' });
    expect(ancestors.at(-1)!.parentSpanId).toBe(clientSpanId);
    // Down from the connector span: the PostgreSQL queries of the handler.
    const sql = inTrace().filter((s) => s.parentSpanId === connector.spanId);
    expect(sql.length).toBeGreaterThan(0);
    expect(sql.map((s) => s.name).join(' ')).toMatch(/pg|SELECT/i);
    // One trace: nothing of this call escaped into another trace id.
    expect(new Set(inTrace().map((s) => s.service))).toEqual(new Set(['mcp-hub-hub', 'mcp-hub-connector-helpdesk']));
  }, 60_000);
});
