/**
 * Driver-level micro-benchmark of the run_query path (classify → read-only transaction → cursor →
 * caps → cells), without the hub. Not part of jest. Run: npx tsx connectors/database/bench/run-query.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DatabaseConfigSchema } from '../src/config';
import { createDatabaseConnectorService } from '../src/database-module';

const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 500);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-db-bench-'));
  const sources: unknown[] = [{ name: 'sqlite', engine: 'sqlite', connection: { path: join(dir, 'demo.sqlite'), createDemo: true } }];
  const env: NodeJS.ProcessEnv = {};
  if (process.env['BENCH_PG_URL']) {
    sources.push({ name: 'pg', engine: 'postgres', connection: { urlEnv: 'BENCH_PG_URL' } });
    env['BENCH_PG_URL'] = process.env['BENCH_PG_URL'];
  }
  if (process.env['BENCH_MYSQL_URL']) {
    sources.push({ name: 'mysql', engine: 'mysql', connection: { urlEnv: 'BENCH_MYSQL_URL' } });
    env['BENCH_MYSQL_URL'] = process.env['BENCH_MYSQL_URL'];
  }
  const built = await createDatabaseConnectorService(DatabaseConfigSchema.parse({ sources }), pino({ level: 'warn' }), env);
  const limits = { signal: new AbortController().signal, timeoutMs: 5000 };
  const sql: Record<string, string> = {
    sqlite: 'SELECT o.id, c.name, o.total_cents FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status = ? LIMIT 50',
    pg: 'SELECT g AS id, md5(g::text) AS name FROM generate_series(1, 50) g WHERE $1::text IS NOT NULL',
    mysql: 'SELECT seq AS id, MD5(seq) AS name FROM seq_1_to_50 WHERE ? IS NOT NULL',
  };
  try {
    for (const [name, source] of built.deps.sources) {
      for (let i = 0; i < 20; i++) await source.runQuery(sql[name]!, ['delivered'], 100, limits);
      const times: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) {
        const start = process.hrtime.bigint();
        await source.runQuery(sql[name]!, ['delivered'], 100, limits);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      times.sort((a, b) => a - b);
      const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!.toFixed(2);
      console.log(`${name}: ${ITERATIONS} queries, p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms, p99 ${pct(0.99)} ms`);
    }
  } finally {
    await built.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
