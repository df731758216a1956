/**
 * S6 database (the database connector issue's figure): `database_run_query` through the hub
 * (MCP client → HTTP front → bus → database connector → PostgreSQL) against the same query from
 * the `pg` driver directly. Both sides run in this process, interleaved, median of repetitions.
 */
import pino from 'pino';
import { Pool } from 'pg';
import { InProcessBus } from '@mcp-hub/bus';
import { runConnector } from '@mcp-hub/connector-kit';
import { databaseModule } from '@mcp-hub/connector-database';
import { HttpFront, Hub } from '@mcp-hub/hub';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { BenchContext } from '../lib/context';
import { row, type ResultRow } from '../lib/report';
import { median, quantile } from '../lib/stats';

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SQL = 'SELECT g AS id, md5(g::text) AS name FROM generate_series(1, 50) g';

export async function measureDatabase(ctx: BenchContext): Promise<ResultRow[]> {
  const logger = pino({ level: 'silent' });
  const config = databaseModule.configSchema.parse({ sources: [{ name: 'pg', engine: 'postgres', connection: { urlEnv: 'BENCH_PG_URL' } }] });
  process.env.BENCH_PG_URL = PG_URL; // the connector reads source URLs from the environment, never from config
  const built = await databaseModule.create(config, logger);
  const bus = new InProcessBus();
  const hub = new Hub({ bus, hubId: 'bench-s6', logger });
  await hub.start();
  const service = await runConnector(built.connector, { bus, deps: built.deps, logger });
  const front = new HttpFront({
    hub,
    logger,
    identity: { name: 'bench', version: '0' },
    principalFor: () => ({ id: 'bench', scopes: ['*'] }),
    host: '127.0.0.1',
    port: 0,
    maxBodyBytes: 1 << 20,
    maxSessions: 100,
    allowedHosts: ['127.0.0.1', 'localhost'],
    allowedOrigins: ['127.0.0.1', 'localhost'],
    sessionIdleMs: 600_000,
  });
  const url = await front.listen();
  const client = new Client({ name: 'bench', version: '0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const pool = new Pool({ connectionString: PG_URL, max: 1 });

  const throughHub = async () => {
    const result = await client.callTool({ name: 'database_run_query', arguments: { source: 'pg', sql: SQL } });
    if (result.isError) throw new Error(`run_query failed: ${JSON.stringify(result.content)}`);
  };
  const direct = async () => {
    const client = await pool.connect();
    try {
      // The connector's own transaction shape: read-only, rolled back.
      await client.query('BEGIN READ ONLY');
      await client.query(SQL);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  };
  const source = built.deps.sources.get('pg')!;
  const inConnector = async () => {
    await source.runQuery(SQL, [], 100, { signal: new AbortController().signal, timeoutMs: 5000 });
  };
  const window = async (call: () => Promise<void>): Promise<number[]> => {
    const times: number[] = [];
    const until = performance.now() + ctx.windowMs;
    while (performance.now() < until) {
      const started = performance.now();
      await call();
      times.push(performance.now() - started);
    }
    return times;
  };

  try {
    ctx.log('S6 database: warm-up');
    await window(throughHub);
    await window(direct);
    await window(inConnector);
    const hubP50: number[] = [];
    const connectorP50: number[] = [];
    const directP50: number[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      const a = quantile(await window(direct), 0.5);
      const c = quantile(await window(inConnector), 0.5);
      const b = quantile(await window(throughHub), 0.5);
      directP50.push(a);
      connectorP50.push(c);
      hubP50.push(b);
      ctx.log(`S6 database rep ${rep + 1}: driver p50 ${a.toFixed(2)} ms, connector query path ${c.toFixed(2)} ms, through the hub ${b.toFixed(2)} ms`);
    }
    const ratios = (xs: number[], ys: number[]) => median(xs.map((x, i) => x / ys[i]!));
    return [
      row('S6 database', 'run_query p50 through the hub, 50 rows, PostgreSQL (vs pg driver, same read-only transaction)', 'ms', median(hubP50), median(directP50), ratios(hubP50, directP50), null,
        'MCP client, HTTP, SDK, bus, connector safety layers and result shaping'),
      row('S6 database', "connector's query path alone (classify, read-only tx, cursor, caps) vs pg driver", 'ms', median(connectorP50), median(directP50), ratios(connectorP50, directP50)),
      row('S6 database', 'run_query through the hub vs the connector query path alone (the hub and MCP share)', 'ms', median(hubP50), median(connectorP50), ratios(hubP50, connectorP50)),
    ];
  } finally {
    await client.close().catch(() => undefined);
    await front.close(0);
    await service.stop();
    hub.stop();
    await bus.close();
    await built.close();
    await pool.end();
  }
}
