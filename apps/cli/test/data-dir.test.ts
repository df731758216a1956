import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CliProcess, repoRoot } from './support/cli-process';

/**
 * A desktop client starts `mcp-hub stdio` from wherever it likes (often `/`): the data goes to
 * the user's data directory, the same one `start` uses, and nothing lands in the working directory.
 */
describe('embedded data directory', () => {
  let root: string;
  let cwd: string;
  let env: Record<string, string>;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'mcp-hub-home-'));
    cwd = mkdtempSync(path.join(tmpdir(), 'mcp-hub-cwd-'));
    env = { HOME: path.join(root, 'home'), XDG_DATA_HOME: path.join(root, 'xdg'), MCP_HUB_DATA_DIR: '', LOG_LEVEL: 'info' };
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  });

  it('stdio keeps its data under XDG_DATA_HOME, says where on stderr, and writes nothing to its working directory', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(repoRoot, 'bin/mcp-hub'), 'stdio'],
      cwd,
      env: { ...(process.env as Record<string, string>), ...env },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'desktop', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'helpdesk_search_tickets', arguments: {} });
      expect(result.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    const dataDir = path.join(root, 'xdg', 'mcp-hub');
    expect(stderr).toContain(`data in ${dataDir}`);
    expect(existsSync(path.join(dataDir, 'helpdesk.sqlite'))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
  }, 60_000);

  it('start uses the same directory, under HOME when XDG_DATA_HOME is unset', async () => {
    const hub = CliProcess.mcpHub(['start', '--port', '0'], { ...env, XDG_DATA_HOME: '' }, 'start', cwd);
    try {
      const dataDir = path.join(root, 'home', '.local', 'share', 'mcp-hub');
      await hub.waitForOutput(new RegExp(`data in ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 30_000);
      expect(existsSync(path.join(dataDir, 'helpdesk.sqlite'))).toBe(true);
      expect(readdirSync(cwd)).toEqual([]);
    } finally {
      await hub.stop();
    }
  }, 60_000);
});
