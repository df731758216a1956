/**
 * What the audit log costs a call: `npx tsx bench/audit-overhead.ts [rounds]` (default 3).
 * An in-process hub with the echo connector, called through `Hub.callTool`, without an audit log,
 * with SQLite and with PostgreSQL (HUB_TEST_DATABASE_URL, default the machine's `test` database),
 * interleaved: 3000 sequential calls (median and p99 latency), then 3000 in rounds of 50
 * concurrent (wall time, and how long the last records took to write). Figures: ADR 0008.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { runConnector } from '@mcp-hub/connector-kit';
import { createEchoConnector } from '@mcp-hub/connector-kit/testing';
import { AuditLog, Hub, PostgresAuditStore, SqliteAuditStore, type AuditStore } from '@mcp-hub/hub';

const DATABASE_URL = process.env.HUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const logger = pino({ level: 'silent' });
const principal = { id: 'bench', scopes: ['*'] };
const args = { text: 'hello world, password=abc123456 and some text'.repeat(4) };
type Kind = 'none' | 'sqlite' | 'postgres';

async function measure(kind: Kind): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'audit-bench-'));
  const table = `audit_bench_${process.pid}`;
  const store: AuditStore | undefined =
    kind === 'sqlite' ? new SqliteAuditStore({ file: path.join(dir, 'audit.sqlite') }) : kind === 'postgres' ? new PostgresAuditStore({ connectionString: DATABASE_URL, table }) : undefined;
  const audit = store && new AuditLog({ store, hubId: 'bench', logger });
  const bus = new InProcessBus();
  const hub = new Hub({ bus, hubId: 'bench', logger, audit });
  await hub.start();
  const connector = await runConnector(createEchoConnector('echo'), { bus, deps: { aborted: [] }, logger });
  while (hub.inventory.replicaCount('echo') === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  try {
    for (let i = 0; i < 500; i++) await hub.callTool('echo_echo', args, { principal });
    await audit?.flush();
    const latencies: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const started = performance.now();
      await hub.callTool('echo_echo', args, { principal });
      latencies.push(performance.now() - started);
    }
    await audit?.flush();
    latencies.sort((a, b) => a - b);
    const started = performance.now();
    for (let round = 0; round < 60; round++) await Promise.all(Array.from({ length: 50 }, () => hub.callTool('echo_echo', args, { principal })));
    const concurrent = performance.now() - started;
    await audit?.flush();
    const flushed = performance.now() - started - concurrent;
    return `${kind.padEnd(8)} sequential p50 ${latencies[1500]!.toFixed(3)} ms p99 ${latencies[2970]!.toFixed(2)} ms; 3000 calls x50 concurrent ${concurrent.toFixed(0)} ms (+${flushed.toFixed(0)} ms to write the last records)`;
  } finally {
    await connector.stop();
    hub.stop();
    await audit?.close();
    await store?.close();
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
    if (kind === 'postgres') execFileSync('psql', [DATABASE_URL, '-q', '-c', `DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${table}_head`], { stdio: 'ignore' });
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  for (let round = 1; round <= rounds; round++) for (const kind of ['none', 'sqlite', 'postgres'] as const) process.stdout.write(`${await measure(kind)}\n`);
}

void main();
