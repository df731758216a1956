import { chainEntries, chainHash, verifyAuditChain } from './audit-chain';
import { GENESIS_HASH, type AuditEntry, type AuditRow } from './audit-record';

function entry(n: number): AuditEntry {
  return {
    at: new Date(Date.UTC(2026, 11, 3, 12, 0, n)).toISOString(),
    hubId: 'hub-1',
    principal: 'alice',
    operation: 'tool_call',
    target: `echo_echo`,
    connector: 'echo',
    argumentsHash: `sha256:${n}`,
    arguments: { text: `call ${n}` },
    decision: { allowed: true, policies: ['allow-echo'] },
    outcome: 'ok',
    latencyMs: n,
  };
}

function chain(count: number): AuditRow[] {
  return chainEntries({ seq: 0, hash: GENESIS_HASH }, Array.from({ length: count }, (_, i) => entry(i + 1))).rows;
}

async function* each(rows: AuditRow[]): AsyncGenerator<AuditRow> {
  yield* rows;
}

describe('audit chain', () => {
  it('numbers records from 1 and hashes each after the one before', () => {
    const rows = chain(3);
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3]);
    expect(rows[0]!.hash).toBe(chainHash(GENESIS_HASH, rows[0]!.record));
    expect(rows[2]!.hash).toBe(chainHash(rows[1]!.hash, rows[2]!.record));
    expect(JSON.parse(rows[1]!.record)).toMatchObject({ seq: 2, prevHash: rows[0]!.hash, target: 'echo_echo' });
  });

  it('continues a chain from its head', () => {
    const first = chainEntries({ seq: 0, hash: GENESIS_HASH }, [entry(1)]);
    const second = chainEntries(first.head, [entry(2)]);
    expect(second.rows[0]).toEqual(chain(2)[1]);
  });

  it('verifies an intact chain and reports its head', async () => {
    const rows = chain(5);
    expect(await verifyAuditChain(each(rows), { seq: 5, hash: rows[4]!.hash })).toEqual({ ok: true, records: 5, head: { seq: 5, hash: rows[4]!.hash } });
    expect(await verifyAuditChain(each([]), { seq: 0, hash: GENESIS_HASH })).toMatchObject({ ok: true, records: 0 });
  });

  it('names an edited record: one byte of its text, or its hash', async () => {
    const text = chain(5);
    text[2] = { ...text[2]!, record: text[2]!.record.replace('call 3', 'call 4') };
    expect(await verifyAuditChain(each(text))).toMatchObject({ ok: false, seq: 3, problem: 'edited' });
    const hash = chain(5);
    hash[3] = { ...hash[3]!, hash: `${hash[3]!.hash.slice(0, -1)}0` === hash[3]!.hash ? `${hash[3]!.hash.slice(0, -1)}1` : `${hash[3]!.hash.slice(0, -1)}0` };
    expect(await verifyAuditChain(each(hash))).toMatchObject({ ok: false, seq: 4, problem: 'edited' });
  });

  it('names a record rewritten with a freshly computed hash', async () => {
    const rows = chain(4);
    const forged = rows[1]!.record.replace('call 2', 'call X');
    rows[1] = { ...rows[1]!, record: forged, hash: chainHash(rows[0]!.hash, forged) };
    expect(await verifyAuditChain(each(rows))).toMatchObject({ ok: false, seq: 2, problem: 'edited' });
  });

  it('names a removed record, and removed records at the end against the head', async () => {
    const rows = chain(5);
    expect(await verifyAuditChain(each([...rows.slice(0, 2), ...rows.slice(3)]))).toMatchObject({ ok: false, seq: 3, problem: 'removed' });
    expect(await verifyAuditChain(each(rows.slice(1)))).toMatchObject({ ok: false, seq: 1, problem: 'removed' });
    expect(await verifyAuditChain(each(rows.slice(0, 3)), { seq: 5, hash: rows[4]!.hash })).toMatchObject({ ok: false, seq: 4, problem: 'removed' });
  });

  it('names a reordered pair (two rows that swapped their places in the sequence)', async () => {
    const rows = chain(5);
    const swappedSeq = [rows[0]!, { ...rows[2]!, seq: 2 }, { ...rows[1]!, seq: 3 }, rows[3]!, rows[4]!];
    expect(await verifyAuditChain(each(swappedSeq))).toMatchObject({ ok: false, seq: 2, problem: 'reordered' });
  });

  it('names a row whose text is not a record', async () => {
    const rows = chain(2);
    rows[1] = { ...rows[1]!, record: 'not json' };
    expect(await verifyAuditChain(each(rows))).toMatchObject({ ok: false, seq: 2, problem: 'edited' });
  });
});
