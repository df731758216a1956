import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { PrincipalAssertionSigner, type HttpFront, type Hub } from '@mcp-hub/hub';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { loadConfig } from '../src/config-loader';
import { connectorModuleFor, startConnector, type RunningConnector } from '../src/connector-runtime';
import { httpFront, startHub, stopHub } from '../src/hub-runtime';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Rows 1..n without a table: a statement the read-only rules accept, as long as we like. */
const rows = (n: number) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n}) SELECT i, 'row ' || i AS label, '=cmd' AS formula FROM n`;

interface Embedded {
  hub: Hub;
  front: HttpFront;
  connector: RunningConnector;
  bus: InProcessBus;
  client: Client;
}

/**
 * The export job in the embedded mode, wired as `mcp-hub start` wires it (hub runtime, the
 * database connector's demo source, jobs in `<dataDir>/jobs.sqlite`), in this process: an SDK
 * client exports a query with progress, reads the file, and fetches a job's result after the
 * hub restarted.
 */
describe('database_export_query in the embedded hub', () => {
  let dataDir: string;
  let running: Embedded | undefined;

  async function start(): Promise<Embedded> {
    const config = loadConfig({ dataDir, port: '0', host: '127.0.0.1' }, { PATH: process.env.PATH });
    const bus = new InProcessBus();
    const assertions = PrincipalAssertionSigner.ephemeral(60_000);
    const hub = await startHub({ ...config, jobs: { ...config.jobs, progressWaitMs: 10_000 } }, bus, logger, undefined, assertions.signer, true);
    const front = httpFront(hub, config, logger);
    const url = await front.listen();
    const connector = await startConnector(connectorModuleFor('database', config), config, bus, logger, { embedded: true, assertionKeys: [assertions.publicKey] });
    const client = new Client({ name: 'exporter', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return (running = { hub, front, connector, bus, client });
  }

  async function stop(): Promise<void> {
    if (!running) return;
    const { hub, front, connector, bus, client } = running;
    running = undefined;
    await client.close();
    await front.close();
    await connector.stop();
    await stopHub(hub);
    await bus.close();
  }

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mcp-hub-export-'));
  });
  afterEach(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports a query to CSV with progress; the file is a resource with every row, formulas defused', async () => {
    const { client } = await start();
    const tool = (await client.listTools()).tools.find((t) => t.name === 'database_export_query');
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true });
    const progress: number[] = [];
    const result = await client.callTool({ name: 'database_export_query', arguments: { sql: rows(2500), format: 'csv' } }, { onprogress: (p) => progress.push(p.progress) });
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as { uri: string; rows: number; truncated: boolean; untrusted: boolean };
    expect(out).toMatchObject({ rows: 2500, truncated: false, untrusted: true });
    expect(out.uri).toMatch(/^database:\/\/exports\/database-[0-9a-f-]{36}$/);
    expect(progress.at(-1)).toBe(2500);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const read = await client.readResource({ uri: out.uri });
    const text = (read.contents[0] as { text: string; mimeType: string }).text;
    const lines = text.trimEnd().split('\r\n');
    expect(lines).toHaveLength(2501);
    expect(lines[0]).toBe('i,label,formula');
    expect(lines[2500]).toBe("2500,row 2500,'=cmd");
  });

  it('caps an export by rows and says so; JSONL has one object per row', async () => {
    const { client } = await start();
    const result = await client.callTool({ name: 'database_export_query', arguments: { sql: rows(500), format: 'jsonl', max_rows: 100 } }, { onprogress: () => undefined });
    expect(result.structuredContent).toMatchObject({ rows: 100, truncated: true, truncatedBy: 'max_rows', format: 'jsonl' });
    const { uri } = result.structuredContent as { uri: string };
    const text = ((await client.readResource({ uri })).contents[0] as { text: string }).text;
    const objects = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects).toHaveLength(100);
    expect(objects[99]).toEqual({ i: 100, label: 'row 100', formula: '=cmd' });
  });

  it('applies the read-only rules: a write is refused as a failed job', async () => {
    const { client } = await start();
    const result = await client.callTool({ name: 'database_export_query', arguments: { sql: 'DELETE FROM customers' } }, { onprogress: () => undefined });
    expect(result.isError).toBe(true);
  });

  it('a client fetches the result of its export with jobs_get after the hub restarted', async () => {
    let { client } = await start();
    const started = await client.callTool({ name: 'database_export_query', arguments: { sql: rows(20_000) } });
    const link = (started.content as Array<{ type: string; uri?: string }>).find((block) => block.type === 'resource_link');
    const jobId = link!.uri!.slice('jobs://'.length);
    await stop();
    ({ client } = await start());
    let state: Record<string, unknown> = {};
    const until = Date.now() + 15_000;
    while (state.status !== 'completed' && Date.now() < until) {
      state = (await client.callTool({ name: 'jobs_get', arguments: { jobId } })).structuredContent as Record<string, unknown>;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toMatchObject({ status: 'completed', result: { rows: 20_000 } });
    const { uri } = state.result as { uri: string };
    const text = ((await client.readResource({ uri })).contents[0] as { text: string }).text;
    expect(text.trimEnd().split('\r\n')).toHaveLength(20_001);
  });
});
