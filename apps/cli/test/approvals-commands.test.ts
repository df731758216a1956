import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { freePort } from '@mcp-hub/bus/testing';
import { APPROVAL_META_KEY, type ApprovalMeta } from '@mcp-hub/connector-contract';
import { SqliteApprovalStore } from '@mcp-hub/hub';
import { runApprovalsDecide, runApprovalsList } from '../src/commands/approvals';
import { CommandFailure } from '../src/exit-codes';
import { CliProcess, repoRoot } from './support/cli-process';

const run = promisify(execFile);

/** `bin/mcp-hub <args>` as an operator runs it: exit code, stdout and stderr. */
async function mcpHub(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(repoRoot, 'bin/mcp-hub'), ...args], { cwd: repoRoot, env: { ...process.env, MCP_HUB_CONFIG: '', MCP_HUB_APPROVALS_POSTGRES_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Collects what a command writes. */
function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

function approvalOf(result: Awaited<ReturnType<Client['callTool']>>): ApprovalMeta {
  expect(result.isError).toBe(true);
  return (result._meta as Record<string, ApprovalMeta>)[APPROVAL_META_KEY]!;
}

/**
 * The out-of-band path as an operator walks it: `mcp-hub start` holds a send from a client that
 * cannot be asked in band; `approvals list` shows it, `mcp-hub approvals approve` releases it, and the
 * client's identical retry runs; a denied send is a result the model reads.
 */
describe('mcp-hub approvals with the embedded hub', () => {
  let dataDir: string;
  let hub: CliProcess;
  let client: Client;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'approvals-cli-'));
    const port = await freePort();
    hub = CliProcess.mcpHub(['start', '--port', String(port), '--data-dir', dataDir], { MCP_HUB_CONFIG: '' });
    await hub.waitForOutput(/serving http:\/\/127\.0\.0\.1:\d+\/mcp/, 60_000);
    client = new Client({ name: 'no-elicitation', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  }, 90_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await hub?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('approve releases the held send once; a second approve finds nothing', async () => {
    const send = { name: 'email_send_email', arguments: { to: ['taylor.kim@example.org'], subject: 'Your label', text: 'Attached.' } };
    const { id, status } = approvalOf(await client.callTool(send));
    expect(status).toBe('pending');

    // One command through the binary (its configuration and store wiring); the rest in process: starting it costs seconds.
    const approve = await mcpHub(['approvals', 'approve', id, '--data-dir', dataDir]);
    expect(approve.code).toBe(0);
    expect(approve.stdout).toMatch(new RegExp(`^approved ${id}: email_send_email for local; it runs once`));
    const sent = await client.callTool(send);
    expect(sent.isError).toBeFalsy();
    expect(sent.structuredContent).toMatchObject({ accepted: ['taylor.kim@example.org'] });

    const store = new SqliteApprovalStore({ file: path.join(dataDir, 'approvals.sqlite') });
    try {
      await expect(runApprovalsDecide(store, id, 'approved', 10, sink().stream)).rejects.toThrow(`no pending approval "${id}"`);
    } finally {
      await store.close();
    }
  }, 90_000);

  it('deny: the retry reads the refusal and nothing is sent', async () => {
    const send = { name: 'email_send_email', arguments: { to: ['taylor.kim@example.org'], subject: 'Second', text: 'x' } };
    const { id } = approvalOf(await client.callTool(send));
    // In process on the same file: starting the binary costs seconds.
    const store = new SqliteApprovalStore({ file: path.join(dataDir, 'approvals.sqlite') });
    try {
      const out = sink();
      const listed = sink();
      await runApprovalsList(store, {}, listed.stream);
      expect(listed.text()).toContain(`${id}  email_send_email  by local  (destructive; expires in 10 min)`);
      expect(listed.text()).toContain('    to: ["taylor.kim@example.org"]');
      expect(listed.text()).toContain('1 waiting for approval');
      await runApprovalsDecide(store, id, 'denied', 10, out.stream);
      expect(out.text()).toContain(`denied ${id}: email_send_email for local`);
      await expect(runApprovalsDecide(store, 'not-an-id', 'approved', 10, out.stream)).rejects.toThrow(CommandFailure);
    } finally {
      await store.close();
    }
    const refused = await client.callTool(send);
    expect(approvalOf(refused)).toMatchObject({ id, status: 'denied' });
  }, 30_000);
});
