import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ClientCapabilities } from '@modelcontextprotocol/client';
import { runConnector } from '@mcp-hub/connector-kit';
import { APPROVAL_META_KEY, type ApprovalMeta } from '@mcp-hub/connector-contract';
import { ApprovalGate } from '../src/approvals/approval-gate';
import { ApprovalSettingsSchema } from '../src/approvals/approval-settings';
import { SqliteApprovalStore } from '../src/approvals/sqlite-approval-store';
import { PostgresApprovalStore } from '../src/approvals/postgres-approval-store';
import type { ApprovalStore } from '../src/approvals/approval-store';
import { PolicyEngine } from '../src/policy/policy-engine';
import { createOutboxConnector, outboxDeps, type OutboxDeps } from './fixtures/outbox-connector';
import { HubFixture, silent, waitFor } from './hub-fixture';

type CallResult = Awaited<ReturnType<Client['callTool']>>;

function text(result: CallResult): string {
  return (result.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('');
}

function approvalOf(result: CallResult): ApprovalMeta {
  expect(result.isError).toBe(true);
  const meta = (result._meta as Record<string, unknown> | undefined)?.[APPROVAL_META_KEY] as ApprovalMeta | undefined;
  expect(meta).toBeDefined();
  return meta!;
}

const ADMIN_TOKEN = 'admin-token-for-approval-tests';

const SEND = { name: 'outbox_send_message', arguments: { to: 'bob@example.com', text: 'Your order shipped.' } };

/** A hub with approvals on a SQLite file in `dir`, the outbox connector, and a clock tests can move. */
class ApprovalsHub {
  readonly fixture = new HubFixture();
  readonly deps: OutboxDeps = outboxDeps();
  gate!: ApprovalGate;
  store!: ApprovalStore;
  clock = Date.now();
  private readonly stopConnector: Array<() => Promise<void>> = [];

  /** `file`: a SQLite file, or a store to use (another replica's PostgreSQL). */
  constructor(
    private readonly file: string | (() => ApprovalStore),
    private readonly settings: Record<string, unknown> = {},
  ) {}

  async start(hubOptions: Parameters<HubFixture['start']>[2] = {}): Promise<this> {
    this.store = typeof this.file === 'string' ? new SqliteApprovalStore({ file: this.file }) : this.file();
    const settings = ApprovalSettingsSchema.parse({ pollMs: 50, ...this.settings });
    this.gate = new ApprovalGate({ store: this.store, settings, logger: silent, now: () => this.clock });
    await this.fixture.start({ principalFor: () => ({ id: 'alice', scopes: ['*'] }), adminToken: ADMIN_TOKEN }, 10_000, { approvals: this.gate, ...hubOptions });
    const service = await runConnector(createOutboxConnector(), { bus: this.fixture.bus, deps: this.deps, heartbeatMs: 2000, logger: silent });
    this.stopConnector.push(() => service.stop());
    await waitFor(() => this.fixture.hub.inventory.replicaCount('outbox') > 0);
    return this;
  }

  /** An SDK client of `alice` (or of the principal of `url`), declaring `capabilities`. */
  async client(options: { capabilities?: ClientCapabilities; era?: '2025' | '2026'; url?: string; answer?: (message: string) => { action: 'accept' | 'decline' | 'cancel'; content?: Record<string, string> } } = {}): Promise<Client> {
    const client = new Client(
      { name: 'test-client', version: '1.0.0' },
      { capabilities: options.capabilities ?? {}, ...(options.era === '2026' && { versionNegotiation: { mode: { pin: '2026-07-28' } } }) },
    );
    if (options.answer) {
      const answer = options.answer;
      client.setRequestHandler('elicitation/create', async (request) => answer(request.params.message));
    }
    await client.connect(new StreamableHTTPClientTransport(new URL(options.url ?? this.fixture.url)));
    this.fixture.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const stop of this.stopConnector) await stop();
    await this.fixture.stop();
    await this.store.close();
  }
}

describe('approvals through a real hub', () => {
  let dir: string;
  let hub: ApprovalsHub;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'approvals-hub-'));
    hub = await new ApprovalsHub(path.join(dir, 'approvals.sqlite')).start();
  });

  afterEach(async () => {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('out of band: an open-world write returns a pending result; once approved, the identical retry runs once', async () => {
    const client = await hub.client();
    const held = await client.callTool(SEND);
    const { id, status } = approvalOf(held);
    expect(status).toBe('pending');
    expect(text(held)).toContain(id);
    expect(text(held)).toMatch(/call the tool again with exactly the same arguments/);
    expect(hub.deps.sent).toEqual([]);
    expect((await hub.gate.pending()).map((r) => ({ id: r.id, tool: r.tool, principalId: r.principalId, reason: r.reason }))).toEqual([
      { id, tool: 'outbox_send_message', principalId: 'alice', reason: 'open_world_write' },
    ]);
    // A retry before anyone decided asks nothing new.
    expect(approvalOf(await client.callTool(SEND)).id).toBe(id);

    expect(await hub.gate.decide(id, 'approved', 'admin')).toMatchObject({ status: 'approved' });
    // Key order does not matter: the hash is of the canonical arguments.
    const ran = await client.callTool({ name: SEND.name, arguments: { text: 'Your order shipped.', to: 'bob@example.com' } });
    expect(ran.isError).toBeFalsy();
    expect(hub.deps.sent).toEqual([{ to: 'bob@example.com', text: 'Your order shipped.' }]);
    expect((await hub.store.get(id))!.status).toBe('consumed');

    // Replayed: the approval was used up; the same call is held again under a new request.
    const replay = await client.callTool(SEND);
    expect(approvalOf(replay).id).not.toBe(id);
    expect(hub.deps.sent).toHaveLength(1);
  });

  it('out of band through the admin API: listed, approved with the admin token, then the retry runs', async () => {
    const client = await hub.client();
    const { id } = approvalOf(await client.callTool(SEND));
    const base = hub.fixture.url.replace(/\/mcp$/, '');
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const listed = (await (await fetch(`${base}/admin/api/approvals`, { headers: admin })).json()) as { pending: Array<{ id: string; tool: string; summary: string }> };
    expect(listed.pending).toEqual([expect.objectContaining({ id, tool: 'outbox_send_message', summary: 'to: "bob@example.com"\ntext: "Your order shipped."' })]);
    expect((await fetch(`${base}/admin/api/approvals/${id}/approve`, { method: 'POST' })).status).toBe(401);
    // A logged-in browser's POST must come from the page (htmx), not from a plain form.
    const login = await fetch(`${base}/admin/login`, { method: 'POST', body: new URLSearchParams({ token: ADMIN_TOKEN }), redirect: 'manual' });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/admin/api/approvals/${id}/approve`, { method: 'POST', headers: { cookie } })).status).toBe(403);
    // The page's buttons: htmx posts (HX-Request) with the login cookie, answered with the fragment.
    const other = approvalOf(await client.callTool({ name: 'outbox_delete_message', arguments: { id: 'm-9' } }));
    const button = await fetch(`${base}/admin/fragments/approvals/${other.id}/deny`, { method: 'POST', headers: { cookie, 'hx-request': 'true' } });
    expect(button.status).toBe(200);
    const afterDeny = await button.text();
    expect(afterDeny).toContain('denied outbox_delete_message');
    expect(afterDeny).toContain(`data-approval="${id}"`);
    expect(afterDeny).toContain(`hx-post="/admin/fragments/approvals/${id}/approve"`);
    const approved = await fetch(`${base}/admin/api/approvals/${id}/approve`, { method: 'POST', headers: admin });
    expect(approved.status).toBe(200);
    expect(((await approved.json()) as { approval: { status: string; decidedBy: string } }).approval).toMatchObject({ status: 'approved', decidedBy: 'admin' });
    expect((await fetch(`${base}/admin/api/approvals/${id}/deny`, { method: 'POST', headers: admin })).status).toBe(404);
    expect((await client.callTool(SEND)).isError).toBeFalsy();
    expect(hub.deps.sent).toHaveLength(1);
    // The page's fragment: buttons that post with htmx, and nothing waiting any more.
    const fragment = await (await fetch(`${base}/admin/fragments/approvals`, { headers: admin })).text();
    expect(fragment).toContain('No call is waiting for approval.');
  });

  it('an approval given for other arguments does not run a changed call', async () => {
    const client = await hub.client();
    const { id } = approvalOf(await client.callTool(SEND));
    await hub.gate.decide(id, 'approved', 'admin');
    const changed = await client.callTool({ name: SEND.name, arguments: { ...SEND.arguments, to: 'mallory@evil.test' } });
    expect(approvalOf(changed).id).not.toBe(id);
    const nested = await client.callTool({ name: SEND.name, arguments: { ...SEND.arguments, text: 'Your order shipped. ' } });
    expect(approvalOf(nested).status).toBe('pending');
    expect(hub.deps.sent).toEqual([]);
    // The approval still waits for its own call.
    expect((await client.callTool(SEND)).isError).toBeFalsy();
  });

  it('an expired approval is refused, and so is deciding an expired request', async () => {
    const client = await hub.client();
    const { id } = approvalOf(await client.callTool(SEND));
    await hub.gate.decide(id, 'approved', 'admin');
    hub.clock += 10 * 60_000 + 1;
    const late = await client.callTool(SEND);
    const next = approvalOf(late);
    expect(next.id).not.toBe(id);
    expect(hub.deps.sent).toEqual([]);
    hub.clock += 10 * 60_000 + 1;
    expect(await hub.gate.decide(next.id, 'approved', 'admin')).toBeUndefined();
    expect(approvalOf(await client.callTool(SEND)).id).not.toBe(next.id);
    expect(hub.deps.sent).toEqual([]);
  });

  it("another principal cannot use alice's approval", async () => {
    const alice = await hub.client();
    const { id } = approvalOf(await alice.callTool(SEND));
    await hub.gate.decide(id, 'approved', 'admin');
    const mallory = await hub.client({ url: await hub.fixture.addFront({ id: 'mallory', scopes: ['*'] }) });
    const theirs = approvalOf(await mallory.callTool(SEND));
    expect(theirs.id).not.toBe(id);
    expect(hub.deps.sent).toEqual([]);
    expect((await hub.store.get(theirs.id))!.principalId).toBe('mallory');
    expect((await alice.callTool(SEND)).isError).toBeFalsy();
    expect(hub.deps.sent).toHaveLength(1);
  });

  it('a denial is a result the model can read, and the same call reads it again', async () => {
    const client = await hub.client();
    const { id } = approvalOf(await client.callTool({ name: 'outbox_delete_message', arguments: { id: 'm-1' } }));
    expect((await hub.store.get(id))!.reason).toBe('destructive');
    await hub.gate.decide(id, 'denied', 'admin');
    const refused = await client.callTool({ name: 'outbox_delete_message', arguments: { id: 'm-1' } });
    expect(approvalOf(refused)).toMatchObject({ id, status: 'denied' });
    expect(text(refused)).toMatch(/A person denied this call/);
    expect(hub.deps.deleted).toEqual([]);
  });

  it('a local, non-destructive write runs without approval', async () => {
    const client = await hub.client();
    expect((await client.callTool({ name: 'outbox_add_note', arguments: { text: 'hi' } })).isError).toBeFalsy();
    expect(hub.deps.notes).toEqual(['hi']);
  });

  it('in band (2025 session): the person approves through elicitation, shown the call without secrets', async () => {
    const asked: string[] = [];
    const client = await hub.client({
      capabilities: { elicitation: {} },
      answer: (message) => {
        asked.push(message);
        return { action: 'accept', content: { decision: 'approve' } };
      },
    });
    const token = 'ghp_' + 'x'.repeat(36);
    const result = await client.callTool({ name: SEND.name, arguments: { ...SEND.arguments, text: `token ${token} ${'long '.repeat(100)}`, api_token: 'hunter2-secret' } });
    expect(result.isError).toBeFalsy();
    expect(hub.deps.sent).toHaveLength(1);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('outbox_send_message');
    expect(asked[0]).toContain('bob@example.com');
    expect(asked[0]).not.toContain(token);
    expect(asked[0]).not.toContain('hunter2');
    expect(asked[0]).toMatch(/more characters/);
    expect(await hub.gate.pending()).toEqual([]);
  });

  it('in band: a denial, and a dismissed question left pending for out-of-band approval', async () => {
    let action: 'deny' | 'cancel' = 'deny';
    const client = await hub.client({
      capabilities: { elicitation: {} },
      answer: () => (action === 'deny' ? { action: 'accept', content: { decision: 'deny' } } : { action: 'cancel' }),
    });
    const denied = await client.callTool(SEND);
    expect(approvalOf(denied).status).toBe('denied');
    action = 'cancel';
    const other = { name: SEND.name, arguments: { ...SEND.arguments, to: 'carol@example.com' } };
    const dismissed = approvalOf(await client.callTool(other));
    expect(dismissed.status).toBe('pending');
    await hub.gate.decide(dismissed.id, 'approved', 'admin');
    expect((await client.callTool(other)).isError).toBeFalsy();
    expect(hub.deps.sent).toEqual([{ to: 'carol@example.com', text: SEND.arguments.text }]);
  });

  it('inBand off: a client that could be asked is not; the call returns pending', async () => {
    await hub.stop();
    hub = await new ApprovalsHub(path.join(dir, 'approvals.sqlite'), { inBand: false }).start();
    const asked: string[] = [];
    const client = await hub.client({ capabilities: { elicitation: {} }, answer: (message) => (asked.push(message), { action: 'accept', content: { decision: 'approve' } }) });
    expect(approvalOf(await client.callTool(SEND)).status).toBe('pending');
    expect(asked).toEqual([]);
    expect(hub.deps.sent).toEqual([]);
  });

  it('in band (2026 client): the question comes as an input_required round, and the approved call runs', async () => {
    const asked: string[] = [];
    const client = await hub.client({
      era: '2026',
      capabilities: { elicitation: {} },
      answer: (message) => {
        asked.push(message);
        return { action: 'accept', content: { decision: 'approve' } };
      },
    });
    const result = await client.callTool(SEND);
    expect(result.isError).toBeFalsy();
    expect(asked[0]).toContain('outbox_send_message');
    expect(hub.deps.sent).toHaveLength(1);
  });

  it('out of band with a progressToken: the call waits, with progress, and runs once approved elsewhere', async () => {
    const client = await hub.client();
    const progress: string[] = [];
    const call = client.callTool(SEND, { onprogress: (p) => progress.push(p.message ?? '') });
    await waitFor(() => progress.length > 0, 5000, 'a progress notification');
    const [request] = await hub.gate.pending();
    expect(progress[0]).toContain(request!.id);
    await hub.gate.decide(request!.id, 'approved', 'admin');
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(hub.deps.sent).toHaveLength(1);
  });

  it('counts pending approvals in mcphub_approvals_pending', async () => {
    const client = await hub.client();
    await client.callTool(SEND);
    await client.callTool({ name: 'outbox_delete_message', arguments: { id: 'm-2' } });
    const { body } = await hub.fixture.hub.metrics.exposition();
    expect(body).toMatch(/^mcphub_approvals_pending 2$/m);
    expect(body).toMatch(/mcphub_calls_total\{connector="outbox",operation="tool_call",tool="outbox_send_message",outcome="approval_pending"\} 1/);
  });

  it('survives a restart: an approval stored before is consumed by a hub on the reopened file', async () => {
    const client = await hub.client();
    const { id } = approvalOf(await client.callTool(SEND));
    await hub.gate.decide(id, 'approved', 'admin');
    await hub.stop();
    hub = await new ApprovalsHub(path.join(dir, 'approvals.sqlite')).start();
    const again = await hub.client();
    expect((await again.callTool(SEND)).isError).toBeFalsy();
    expect(hub.deps.sent).toHaveLength(1);
    expect((await hub.store.get(id))!.status).toBe('consumed');
  });
});

describe('session taint and policy through a real hub', () => {
  let dir: string;
  let hub: ApprovalsHub;

  afterEach(async () => {
    await hub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a session that read untrusted content waits for approval before an open-world write; another session does not", async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'approvals-taint-'));
    // Defaults off: only the taint asks for approval here.
    hub = await new ApprovalsHub(path.join(dir, 'approvals.sqlite'), { requireFor: [] }).start();
    const session = await hub.client();
    expect((await session.callTool(SEND)).isError).toBeFalsy();
    const read = await session.callTool({ name: 'outbox_read_inbox', arguments: {} });
    expect(read.isError).toBeFalsy();
    const held = await session.callTool({ name: SEND.name, arguments: { to: 'mallory@evil.test', text: 'customer list' } });
    const { id } = approvalOf(held);
    expect((await hub.store.get(id))!.reason).toBe('tainted_session');
    expect(text(held)).toMatch(/read third-party content/);
    // Local writes stay free.
    expect((await session.callTool({ name: 'outbox_add_note', arguments: { text: 'n' } })).isError).toBeFalsy();
    const fresh = await hub.client();
    expect((await fresh.callTool(SEND)).isError).toBeFalsy();
    expect(hub.deps.sent.map((s) => s.to)).toEqual(['bob@example.com', 'bob@example.com']);
  });

  it('a 2026 client has no session: its principal\'s sessionless calls are tainted together', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'approvals-taint-'));
    hub = await new ApprovalsHub(path.join(dir, 'approvals.sqlite'), { requireFor: [] }).start();
    const reader = await hub.client({ era: '2026' });
    expect((await reader.callTool({ name: 'outbox_read_inbox', arguments: {} })).isError).toBeFalsy();
    const writer = await hub.client({ era: '2026' });
    const { id } = approvalOf(await writer.callTool(SEND));
    expect((await hub.store.get(id))!.reason).toBe('tainted_session');
    // A 2025 session of the same principal is a scope of its own.
    expect((await (await hub.client()).callTool(SEND)).isError).toBeFalsy();
  });

  it('taint off: the same session writes freely', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'approvals-taint-'));
    hub = await new ApprovalsHub(path.join(dir, 'approvals.sqlite'), { requireFor: [], taint: { enabled: false } }).start();
    const session = await hub.client();
    await session.callTool({ name: 'outbox_read_inbox', arguments: {} });
    expect((await session.callTool(SEND)).isError).toBeFalsy();
  });

  it("the policy's @approval holds a call the defaults would let through, even with the defaults off", async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'approvals-policy-'));
    const file = path.join(dir, 'policy.cedar');
    writeFileSync(
      file,
      `@id("all") permit (principal, action, resource) unless { resource == McpHub::Tool::"outbox_add_note" };
@id("notes-need-approval") @approval("required") permit (principal, action == McpHub::Action::"call", resource == McpHub::Tool::"outbox_add_note");`,
    );
    const policy = new PolicyEngine({ files: [file], logger: silent, settleMs: 20 });
    await policy.start();
    try {
      hub = await new ApprovalsHub(path.join(dir, 'approvals.sqlite'), { enabled: false }).start({ policy });
      const client = await hub.client();
      const { id } = approvalOf(await client.callTool({ name: 'outbox_add_note', arguments: { text: 'n' } }));
      expect((await hub.store.get(id))!.reason).toBe('policy');
      expect((await client.callTool(SEND)).isError).toBeFalsy();
      await hub.gate.decide(id, 'approved', 'admin');
      expect((await client.callTool({ name: 'outbox_add_note', arguments: { text: 'n' } })).isError).toBeFalsy();
      expect(hub.deps.notes).toEqual(['n']);
    } finally {
      policy.stop();
    }
  });
});

describe('two hub replicas sharing PostgreSQL', () => {
  const DATABASE_URL = process.env.HUB_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const prefix = `approvals_hubs_${process.pid}_${Math.floor(Math.random() * 1e9)}_`;
  const hubs: ApprovalsHub[] = [];

  afterAll(async () => {
    for (const hub of hubs) await hub.stop();
    // psql rather than the driver: outside its store files, the hub may not import pg (module boundaries).
    execFileSync('psql', [DATABASE_URL, '-q', '-c', `DROP TABLE IF EXISTS ${prefix}approvals, ${prefix}session_taint`], { stdio: 'ignore' });
  });

  it('a call held on one replica is approved through the other, and its retry runs wherever it lands; taint is shared too', async () => {
    const store = () => new PostgresApprovalStore({ connectionString: DATABASE_URL, tablePrefix: prefix });
    const [a, b] = [await new ApprovalsHub(store).start(), await new ApprovalsHub(store).start()];
    hubs.push(a, b);
    const onA = await a.client();
    const { id } = approvalOf(await onA.callTool(SEND));
    expect((await b.gate.pending()).map((r) => r.id)).toEqual([id]);
    await b.gate.decide(id, 'approved', 'admin');
    const onB = await b.client();
    expect((await onB.callTool(SEND)).isError).toBeFalsy();
    expect(b.deps.sent).toHaveLength(1);
    // Used up for every replica.
    expect(approvalOf(await onA.callTool(SEND)).id).not.toBe(id);
    expect(a.deps.sent).toEqual([]);
    // A taint recorded by one replica holds the scope on the other.
    await a.gate.noteUntrusted('session:shared', 'test');
    expect(await b.store.isTainted('session:shared', Date.now())).toBe(true);
  });
});
