import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BridgeFixture, serverFilesystem, textOf } from './support/bridge-fixture';

/**
 * @modelcontextprotocol/server-filesystem (published, pinned) on a temporary folder behind two
 * bridges: one read-only (the default) with a tool denied, one in write mode allowed only to
 * read and write files. The kit's tool filtering applies to bridged tools as to any connector's.
 */
describe('bridge to server-filesystem on a temporary folder', () => {
  let fixture: BridgeFixture;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'bridge-fs-'));
    writeFileSync(path.join(folder, 'notes.txt'), 'first line\nsecond line\n');
    const upstream = { transport: 'stdio' as const, command: process.execPath, args: [serverFilesystem, folder] };
    fixture = await new BridgeFixture().start();
    await fixture.bridge('files', { upstream, tools: { deny: ['search_files'] } });
    await fixture.bridge('filesrw', { upstream, writeMode: true, tools: { allow: ['write_file', 'read_text_file'] } });
  }, 30_000);
  afterAll(async () => {
    await fixture.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('offers only the read-only tools without write mode, minus the denied one', async () => {
    const client = await fixture.client();
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['files_read_text_file', 'files_list_directory', 'files_get_file_info']));
    expect(names).not.toContain('files_write_file');
    expect(names).not.toContain('files_move_file');
    expect(names).not.toContain('files_search_files');
    expect(names.filter((n) => n.startsWith('filesrw_')).sort()).toEqual(['filesrw_read_text_file', 'filesrw_write_file']);
  });

  it('lists and reads the folder through the hub', async () => {
    const client = await fixture.client();
    const listing = await client.callTool({ name: 'files_list_directory', arguments: { path: folder } });
    expect(textOf(listing)).toContain('notes.txt');
    const read = await client.callTool({ name: 'files_read_text_file', arguments: { path: path.join(folder, 'notes.txt'), head: 1 } });
    expect(textOf(read)).toBe('first line');
  });

  it('writes through the bridge in write mode, and the upstream still refuses paths outside its folder', async () => {
    const client = await fixture.client();
    const target = path.join(folder, 'written.txt');
    const written = await client.callTool({ name: 'filesrw_write_file', arguments: { path: target, content: 'from the hub' } });
    expect(written.isError).toBeFalsy();
    expect(readFileSync(target, 'utf8')).toBe('from the hub');
    const outside = await client.callTool({ name: 'filesrw_read_text_file', arguments: { path: '/etc/hostname' } });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/outside allowed directories|Access denied/i);
  });

  it('keeps the upstream read-only tools non-destructive when the upstream states only readOnlyHint', async () => {
    const client = await fixture.client();
    const tool = (await client.listTools()).tools.find((t) => t.name === 'files_read_text_file')!;
    expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
  });
});
