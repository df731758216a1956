import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { canonicalJson } from '@mcp-hub/connector-contract';
import { AuditLog, PostgresAuditStore, SqliteAuditStore, type AuditedCall, type AuditStore } from '@mcp-hub/hub';
import { runAuditExport, runAuditVerify } from '../src/commands/audit';
import { CommandFailure, ExitCode } from '../src/exit-codes';
import { main } from '../src/main';

const DATABASE_URL = process.env.HUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SLACK_TOKEN = `xoxb-${'1234567890'.repeat(3)}`;

/**
 * `mcp-hub <args>` through the real command line parser, in process (spawning the binary costs
 * seconds): exit code, stdout and stderr.
 */
async function mcpHub(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const written = { stdout: '', stderr: '' };
  const capture = (stream: 'stdout' | 'stderr') =>
    jest.spyOn(process[stream], 'write').mockImplementation((chunk: string | Uint8Array) => ((written[stream] += chunk.toString()), true));
  const spies = [capture('stdout'), capture('stderr')];
  const env = { MCP_HUB_CONFIG: process.env.MCP_HUB_CONFIG, MCP_HUB_AUDIT_POSTGRES_URL: process.env.MCP_HUB_AUDIT_POSTGRES_URL };
  delete process.env.MCP_HUB_CONFIG;
  delete process.env.MCP_HUB_AUDIT_POSTGRES_URL;
  try {
    process.exitCode = 0;
    await main(['node', 'mcp-hub', ...args]);
    return { code: Number(process.exitCode ?? 0), ...written };
  } finally {
    for (const spy of spies) spy.mockRestore();
    Object.assign(process.env, Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)));
    process.exitCode = 0;
  }
}

function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

function call(hour: number, args: unknown): AuditedCall {
  return { at: Date.UTC(2026, 11, 3, hour), principal: 'alice', operation: 'tool_call', target: 'slack_post_message', connector: 'slack', arguments: args, decision: { allowed: true, policies: ['p'] }, outcome: 'ok', latencyMs: 12.5 };
}

/** Six records, one an hour from 08:00, the third with a token in its arguments. */
async function recordSix(store: AuditStore): Promise<void> {
  const log = new AuditLog({ store, hubId: 'hub-cli-test', logger: pino({ level: 'silent' }) });
  for (let hour = 8; hour < 14; hour++) log.record(call(hour, { channel: '#ops', text: hour === 10 ? `use ${SLACK_TOKEN}` : `message ${hour}` }));
  await log.close();
}

describe('mcp-hub audit verify / export on the embedded data directory', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'audit-cli-'));
    const store = new SqliteAuditStore({ file: path.join(dataDir, 'audit.sqlite') });
    await recordSix(store);
    await store.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('export writes the range as JSON lines that re-hash to the chain, with no secret', async () => {
    const exported = await mcpHub(['audit', 'export', '--data-dir', dataDir, '--since', '2026-12-03T09:00:00Z', '--until', '2026-12-03T12:00:00Z']);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.seq)).toEqual([2, 3, 4]);
    expect(lines[0]).toMatchObject({ at: '2026-12-03T09:00:00.000Z', principal: 'alice', target: 'slack_post_message', hubId: 'hub-cli-test', outcome: 'ok' });
    expect(exported.stdout).not.toContain(SLACK_TOKEN);
    // Each line without its hash is the hashed text: the export checks alone.
    const { createHash } = await import('node:crypto');
    for (const { hash, ...record } of lines) expect(createHash('sha256').update(String(record.prevHash)).update(canonicalJson(record)).digest('hex')).toBe(hash);
  });

  it('verify passes on the intact chain, then names the edited record with exit 1', async () => {
    const store = new SqliteAuditStore({ file: path.join(dataDir, 'audit.sqlite') });
    const out = sink();
    try {
      expect(await runAuditVerify(store, {}, out.stream)).toBe(ExitCode.ok);
      expect(out.text()).toMatch(/^audit chain intact: 6 records, head 6 sha256 [0-9a-f]{64}\n$/);
    } finally {
      await store.close();
    }
    execFileSync('sqlite3', [path.join(dataDir, 'audit.sqlite'), `UPDATE audit_log SET record = replace(record, 'message 12', 'message 13') WHERE seq = 5`]);
    const verify = await mcpHub(['audit', 'verify', '--data-dir', dataDir]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('audit chain broken at record 5 (edited)');
  });

  it('export refuses a time that is not ISO 8601', async () => {
    const store = new SqliteAuditStore({ file: path.join(dataDir, 'audit.sqlite') });
    try {
      await expect(runAuditExport(store, { since: 'yesterday' }, sink().stream)).rejects.toEqual(expect.objectContaining({ exitCode: ExitCode.usage }));
      await expect(runAuditExport(store, { since: '2026-12-03', until: '2026-13-45' }, sink().stream)).rejects.toBeInstanceOf(CommandFailure);
    } finally {
      await store.close();
    }
  });
});

describe('mcp-hub audit verify / export on PostgreSQL', () => {
  const table = `audit_cli_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  let store: PostgresAuditStore;
  beforeAll(async () => {
    store = new PostgresAuditStore({ connectionString: DATABASE_URL, table });
    await recordSix(store);
  });
  afterAll(async () => {
    await store.close();
    execFileSync('psql', [DATABASE_URL, '-q', '-c', `DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${table}_head`], { stdio: 'ignore' });
  });

  it('exports from --since on, and verify names a deleted record', async () => {
    const out = sink();
    expect(await runAuditExport(store, { since: '2026-12-03T12:00:00Z' }, out.stream)).toBe(ExitCode.ok);
    expect(out.text().trim().split('\n').map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([5, 6]);
    expect(await runAuditVerify(store, {}, sink().stream)).toBe(ExitCode.ok);
    execFileSync('psql', [DATABASE_URL, '-q', '-c', `DELETE FROM ${table} WHERE seq = 3`], { stdio: 'ignore' });
    await expect(runAuditVerify(store, {}, sink().stream)).rejects.toThrow('audit chain broken at record 3 (removed)');
  });
});
