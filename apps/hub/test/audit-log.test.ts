import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { canonicalHash } from '@mcp-hub/connector-contract';
import type { Client } from '@modelcontextprotocol/client';
import { AuditLog, verifyAuditStore } from '../src/audit/audit-log';
import type { AuditRecord } from '../src/audit/audit-record';
import type { AuditStore } from '../src/audit/audit-store';
import { PostgresAuditStore } from '../src/audit/postgres-audit-store';
import { SqliteAuditStore } from '../src/audit/sqlite-audit-store';
import { Hub } from '../src/hub';
import { PolicyEngine } from '../src/policy/policy-engine';
import { HubFixture, silent, waitFor } from './hub-fixture';

const POLICY = `
@id("everyone")
permit (principal, action, resource);

@id("no-secrets-in-echo")
forbid (principal, action == McpHub::Action::"call", resource == McpHub::Tool::"echo_echo")
when { context.arguments has text && context.arguments.text like "*forbidden*" };
`;

const GITHUB_TOKEN = `ghp_${'Zx9Y'.repeat(9)}`;
const SESSION_PASSWORD = 'correct horse battery staple';
const ADMIN_TOKEN = 'admin-token-for-audit-tests-71f3';

describe('audit log of a real hub, called by an SDK client', () => {
  const fixture = new HubFixture();
  let dir: string;
  let store: AuditStore;
  let audit: AuditLog;
  let policy: PolicyEngine;
  let client: Client;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-log-'));
    await writeFile(join(dir, 'policy.cedar'), POLICY);
    policy = new PolicyEngine({ files: [join(dir, 'policy.cedar')], logger: silent, settleMs: 20 });
    await policy.start();
    store = new SqliteAuditStore({ file: join(dir, 'audit.sqlite') });
    audit = new AuditLog({ store, hubId: 'hub-under-test', logger: silent });
    await fixture.start({ adminToken: ADMIN_TOKEN }, 5000, { policy, audit, hubId: 'hub-under-test' });
    await fixture.addConnector('echo');
    client = await fixture.client('2025');
  });

  afterAll(async () => {
    await fixture.stop();
    await audit.close();
    await store.close();
    await policy.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** The records written since `afterSeq`, oldest first. */
  async function recordsAfter(afterSeq: number): Promise<AuditRecord[]> {
    await audit.flush();
    return (await store.rows(afterSeq, Number.MAX_SAFE_INTEGER, 1000)).map((row) => JSON.parse(row.record) as AuditRecord);
  }

  it('records a tool call with who, what, the decision, the outcome and the latency', async () => {
    const head = await store.head();
    const started = Date.now();
    await client.callTool({ name: 'echo_echo', arguments: { text: 'hello' } });
    const [record, ...rest] = await recordsAfter(head.seq);
    expect(rest).toHaveLength(0);
    expect(record).toMatchObject({
      seq: head.seq + 1,
      prevHash: head.hash,
      hubId: 'hub-under-test',
      principal: 'tester',
      operation: 'tool_call',
      target: 'echo_echo',
      connector: 'echo',
      arguments: { text: 'hello' },
      argumentsHash: `sha256:${canonicalHash({ text: 'hello' })}`,
      decision: { allowed: true, policies: ['everyone'] },
      outcome: 'ok',
    });
    // A digest of the session id, never the id (a bearer of the session).
    const sessionId = (client.transport as { sessionId?: string }).sessionId!;
    expect(record!.session).toBe(createHash('sha256').update(sessionId).digest('hex').slice(0, 16));
    expect(JSON.stringify(record)).not.toContain(sessionId);
    expect(record!.approvalId).toBeUndefined();
    expect(Date.parse(record!.at)).toBeGreaterThanOrEqual(started - 5);
    expect(record!.latencyMs).toBeGreaterThan(0);
  });

  it('records each way a call ends: tool error, policy denial, unknown tool, resource read, prompt get', async () => {
    const head = await store.head();
    await client.callTool({ name: 'echo_fail', arguments: {} });
    await client.callTool({ name: 'echo_echo', arguments: { text: 'this is forbidden' } });
    await expect(client.callTool({ name: 'echo_nope', arguments: {} })).rejects.toThrow(/Unknown tool/);
    await client.readResource({ uri: 'echo://status' });
    await client.getPrompt({ name: 'echo_greet', arguments: { name: 'Ada' } });
    const records = await recordsAfter(head.seq);
    expect(records.map((r) => [r.operation, r.target, r.outcome, r.connector])).toEqual([
      ['tool_call', 'echo_fail', 'tool_error', 'echo'],
      ['tool_call', 'echo_echo', 'policy_denied', 'echo'],
      ['tool_call', 'echo_nope', 'invalid_params', undefined],
      ['resource_read', 'echo://status', 'ok', 'echo'],
      ['prompt_get', 'echo_greet', 'ok', 'echo'],
    ]);
    expect(records[1]!.decision).toEqual({ allowed: false, policies: ['no-secrets-in-echo'] });
    expect(records[4]!.arguments).toEqual({ name: 'Ada' });
  });

  it('names the replica that claimed a call long enough to be claimed', async () => {
    const head = await store.head();
    await client.callTool({ name: 'echo_slow', arguments: { steps: 2, step_ms: 40 } });
    const [record] = await recordsAfter(head.seq);
    expect(record!.replicaId).toBe(fixture.connectors[0]!.replicaId);
  });

  it('never stores a secret from the arguments, and verify passes over what was written', async () => {
    const head = await store.head();
    await client.callTool({ name: 'echo_echo', arguments: { text: `deploy with ${GITHUB_TOKEN} and password=hunter2hunter2` } });
    await client.callTool({ name: 'echo_echo', arguments: { text: 'x', password: SESSION_PASSWORD } });
    // The target is the client's text too.
    await expect(client.callTool({ name: `echo ${GITHUB_TOKEN}`, arguments: {} })).rejects.toThrow(/Unknown tool/);
    const records = await recordsAfter(head.seq);
    expect(records).toHaveLength(3);
    expect(records[2]!.target).toBe('echo [redacted]');
    expect(records[1]!.arguments).toEqual({ text: 'x', password: '[redacted]' });
    const file = Buffer.concat(readdirSync(dir).filter((name) => name.startsWith('audit.sqlite')).map((name) => readFileSync(join(dir, name)))).toString('latin1');
    for (const secret of [GITHUB_TOKEN, 'hunter2hunter2', SESSION_PASSWORD]) expect(file).not.toContain(secret);
    expect(await audit.verify()).toMatchObject({ ok: true });
  });

  it('shows the newest records and the chain\'s state on the admin page', async () => {
    await client.callTool({ name: 'echo_echo', arguments: { text: `admin sees ${GITHUB_TOKEN}` } });
    await audit.flush();
    const admin = (fragment: string) =>
      fetch(fixture.url.replace(/\/mcp$/, `/admin/fragments/${fragment}`), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then(async (res) => ({ status: res.status, text: await res.text() }));
    const records = await admin('audit');
    expect(records.status).toBe(200);
    expect(records.text).toContain(`data-seq="${(await store.head()).seq}"`);
    expect(records.text).toContain('admin sees [redacted]');
    expect(records.text).not.toContain(GITHUB_TOKEN);
    expect((await admin('audit-verify')).text).toContain('data-verify="ok"');
    execFileSync('sqlite3', [join(dir, 'audit.sqlite'), `UPDATE audit_log SET record = replace(record, '"admin sees', '"admin saw ') WHERE seq = (SELECT max(seq) FROM audit_log)`]);
    const broken = await admin('audit-verify');
    expect(broken.text).toContain('data-verify="broken"');
    expect(broken.text).toContain(`Chain broken at record ${(await store.head()).seq} (edited)`);
  });

  it('writes every queued record on close', async () => {
    const other = new AuditLog({ store, hubId: 'closing', logger: silent });
    const head = await store.head();
    for (let i = 0; i < 300; i++) other.record({ at: Date.now(), principal: 'p', operation: 'tool_call', target: 't', arguments: { i }, decision: null, outcome: 'ok', latencyMs: 1 });
    await other.close();
    expect((await store.head()).seq).toBe(head.seq + 300);
    other.record({ at: Date.now(), principal: 'p', operation: 'tool_call', target: 't', arguments: {}, decision: null, outcome: 'ok', latencyMs: 1 });
    expect(other.queued).toBe(0);
  });
});

describe('audit log of two hub replicas writing one PostgreSQL chain', () => {
  const DATABASE_URL = process.env.HUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const table = `audit_replicas_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const fixture = new HubFixture();
  const stores: PostgresAuditStore[] = [];
  const logs: AuditLog[] = [];
  let second: Hub;

  beforeAll(async () => {
    for (const hubId of ['replica-a', 'replica-b']) {
      const store = new PostgresAuditStore({ connectionString: DATABASE_URL, table });
      stores.push(store);
      logs.push(new AuditLog({ store, hubId, logger: silent, batchDelayMs: 2 }));
    }
    await fixture.start({}, 5000, { audit: logs[0], hubId: 'replica-a' });
    second = new Hub({ bus: fixture.bus, hubId: 'replica-b', logger: silent, audit: logs[1] });
    await second.start();
    await fixture.addConnector('echo');
    await waitFor(() => second.inventory.replicaCount('echo') > 0);
  });

  afterAll(async () => {
    second.stop();
    await fixture.stop();
    for (const log of logs) await log.close();
    for (const store of stores) await store.close();
    execFileSync('psql', [DATABASE_URL, '-q', '-c', `DROP TABLE IF EXISTS ${table}; DROP TABLE IF EXISTS ${table}_head`], { stdio: 'ignore' });
  });

  it('calls through both replicas at once land in one intact chain, each record naming its replica', async () => {
    const principal = { id: 'tester', scopes: ['*'] };
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? fixture.hub : second).callTool('echo_echo', { text: `call ${i}` }, { principal })),
    );
    await Promise.all(logs.map((log) => log.flush()));
    expect(await verifyAuditStore(stores[0]!)).toMatchObject({ ok: true, records: 60 });
    const records = (await stores[1]!.rows(0, 1000, 1000)).map((row) => JSON.parse(row.record) as AuditRecord);
    expect(records.filter((r) => r.hubId === 'replica-a').map((r) => (r.arguments as { text: string }).text).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `call ${i * 2}`).sort(),
    );
    expect(records.filter((r) => r.hubId === 'replica-b')).toHaveLength(30);
  });
});
