import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ExportStore } from './export-store';
import { ROW_WRITERS } from './export-formats';

describe('export store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'exports-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives a committed export to its owner only, and nothing of one being written', async () => {
    const store = new ExportStore({ dir, keepMs: 60_000 });
    const file = await store.create('database-0b5c2f1e-1111-4222-8333-444455556666');
    await file.write('a,b\r\n');
    expect(await store.read(file.id, 'alice')).toBeUndefined();
    await file.commit({ owner: 'alice', format: 'csv', rows: 0, bytes: 5 });
    expect(await store.read(file.id, 'alice')).toMatchObject({ text: 'a,b\r\n', meta: { owner: 'alice', format: 'csv' } });
    expect(await store.read(file.id, 'mallory')).toBeUndefined();
  });

  it('refuses ids that could name another file', async () => {
    const store = new ExportStore({ dir, keepMs: 60_000 });
    await expect(store.create('../../etc/passwd')).rejects.toThrow('invalid export id');
    for (const id of ['../x', 'a/b', '..', 'UPPER-case-id', '']) expect(await store.read(id, 'alice')).toBeUndefined();
  });

  it('forgets an export after the retention time and deletes its files, and a discarded one leaves nothing', async () => {
    const store = new ExportStore({ dir, keepMs: 1000 });
    const kept = await store.create();
    await kept.commit({ owner: 'alice', format: 'jsonl', rows: 0, bytes: 0 });
    const dropped = await store.create();
    await dropped.write('x');
    await dropped.discard();
    expect(readdirSync(dir).sort()).toEqual([`${kept.id}.data`, `${kept.id}.json`]);
    const old = new Date(Date.now() - 5000);
    for (const name of readdirSync(dir)) utimesSync(path.join(dir, name), old, old);
    await store.prune();
    expect(readdirSync(dir)).toEqual([]);
    expect(await store.read(kept.id, 'alice')).toBeUndefined();
  });
});

describe('export formats', () => {
  const columns = [
    { name: 'id', type: 'integer' },
    { name: 'note', type: 'text' },
  ];

  it('writes RFC 4180 CSV: quotes where needed, null as empty, formulas defused', () => {
    expect(ROW_WRITERS.csv.header(columns)).toBe('id,note\r\n');
    const line = (note: unknown) => ROW_WRITERS.csv.row(columns, [1, note as never]);
    expect(line('plain')).toBe('1,plain\r\n');
    expect(line('a,b')).toBe('1,"a,b"\r\n');
    expect(line('say "hi"')).toBe('1,"say ""hi"""\r\n');
    expect(line('two\nlines')).toBe('1,"two\nlines"\r\n');
    expect(line(' padded ')).toBe('1," padded "\r\n');
    expect(line(null)).toBe('1,\r\n');
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx']) expect(line(formula)).toMatch(/^1,"?'/);
    expect(ROW_WRITERS.csv.row(columns, [-1, 'x'])).toBe('-1,x\r\n');
    expect(line({ k: [1, 2] })).toBe('1,"{""k"":[1,2]}"\r\n');
  });

  it('writes JSONL: one object per row, keyed by column', () => {
    expect(ROW_WRITERS.jsonl.header(columns)).toBe('');
    expect(ROW_WRITERS.jsonl.row(columns, [1, 'a\nb'])).toBe('{"id":1,"note":"a\\nb"}\n');
  });
});
