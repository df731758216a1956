import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@mcp-hub/bus/testing';
import { CliProcess } from './support/cli-process';

/**
 * What a newcomer reads when something is wrong: each message names the thing to change (the
 * flag, the variable, the command), and the process exits 1 before starting anything else.
 */
describe('mcp-hub error messages name what to change', () => {
  const processes: CliProcess[] = [];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'mcp-hub-errors-'));
  // No connector settings from the developer's own environment.
  const clean = { HELPDESK_DATABASE_URL: '', HELPDESK_SQLITE_PATH: '', DATABASE_SOURCES_JSON: '', MCP_HUB_CONFIG: '', PORT: '', NATS_URL: '' };

  afterEach(async () => {
    for (const p of processes.splice(0)) await p.stop();
  });

  const failure = async (args: string[], env: Record<string, string> = {}): Promise<string> => {
    const proc = CliProcess.mcpHub(args, { ...clean, MCP_HUB_DATA_DIR: dataDir, ...env });
    processes.push(proc);
    expect((await proc.exited(30_000)).code).toBe(1);
    return proc.output;
  };

  it('a port in use is reported before any connector starts, with --port', async () => {
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const output = await failure(['start', '--port', String(port)]);
      expect(output).toContain(`mcp-hub: port ${port} is already in use on 127.0.0.1: pick another with --port or PORT`);
      expect(output).not.toMatch(/connector ready/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 40_000);

  it('--port abc names the flag', async () => {
    expect(await failure(['start', '--port', 'abc'])).toMatch(/http\.port \(--port or PORT\): .*expected number/);
  }, 40_000);

  it('a misspelt command is an unknown command with a suggestion', async () => {
    const output = await failure(['strat']);
    expect(output).toContain("error: unknown command 'strat'");
    expect(output).toContain('(Did you mean start?)');
  }, 40_000);

  it('an invalid JSON file is called invalid JSON, with where', async () => {
    const file = path.join(dataDir, 'broken.json');
    writeFileSync(file, '{\n  "http": { "port": 3100 },\n}\n');
    expect(await failure(['start', '--config', file])).toContain(`configuration file ${file} is not valid JSON: Expected double-quoted property name in JSON at position 30 (line 3, column 1)`);
  }, 40_000);

  it('--nats localhost:abc names the flag and shows the expected form', async () => {
    expect(await failure(['hub', '--nats', 'localhost:abc'])).toMatch(/nats\.url \(--nats or NATS_URL\): expected nats:\/\/host:port/);
  }, 40_000);

  it('connector helpdesk without a store names HELPDESK_DATABASE_URL', async () => {
    expect(await failure(['connector', 'helpdesk'])).toMatch(/connectors\.helpdesk\.store: missing: set HELPDESK_DATABASE_URL \(PostgreSQL\) or HELPDESK_SQLITE_PATH/);
  }, 40_000);

  it('connector database without sources names DATABASE_SOURCES_JSON', async () => {
    expect(await failure(['connector', 'database'])).toMatch(/connectors\.database\.sources: missing: set DATABASE_SOURCES_JSON or connectors\.database\.sources in the --config file/);
  }, 40_000);

  it('without a command, a container runs its MCP_HUB_SERVICE (here a connector), flags included', async () => {
    expect(await failure(['--log-level', 'warn'], { MCP_HUB_SERVICE: 'connector database' })).toMatch(/connectors\.database\.sources: missing: set DATABASE_SOURCES_JSON/);
  }, 40_000);

  it.each([
    ['["helpdesk","helpdesk"]', /embedded\.connectors: lists helpdesk more than once/],
    ['["helpdesk","crm"]', /unknown connector "crm"; built in: helpdesk, database/],
  ])('embedded connectors %s are refused before any starts', async (ids, message) => {
    const file = path.join(dataDir, `embedded-${ids.length}.json`);
    writeFileSync(file, JSON.stringify({ embedded: { connectors: JSON.parse(ids) } }));
    const output = await failure(['start', '--port', '0', '--config', file]);
    expect(output).toMatch(message);
    expect(output).not.toMatch(/connector ready/);
  }, 40_000);
});
