import { spawn } from 'node:child_process';
import { freePort } from '@mcp-hub/bus/testing';
import { repoRoot } from './support/cli-process';

/** Runs `bin/mcp-hub <args>` until it exits, in a pseudo-terminal (util-linux `script`) or on pipes. */
async function run(args: string[], terminal: boolean): Promise<string> {
  const command = [process.execPath, 'bin/mcp-hub', ...args].join(' ');
  const env = { ...process.env };
  delete env.LOG_LEVEL;
  const child = terminal
    ? spawn('script', ['-qfec', command, '/dev/null'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['bin/mcp-hub', ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  return output;
}

/**
 * `npm start` in a terminal shows the banner and readable warnings, not a flood of JSON; the
 * same command piped (a container, a log collector) keeps JSON lines with `info`.
 */
describe('logs in a terminal and elsewhere', () => {
  it('are human-readable, warn and above, in a terminal; JSON with info otherwise', async () => {
    const args = ['hub', '--nats', `nats://127.0.0.1:${await freePort()}`, '--port', '0', '--wait-for-bus', '1'];
    const [tty, piped] = await Promise.all([run(args, true), run(args, false)]);

    expect(tty).toMatch(/WARN.*not reachable/);
    expect(tty).not.toMatch(/\{"level":/);
    expect(tty).not.toMatch(/connecting to NATS at/); // info
    expect(tty).toContain('MCP hub serving');

    expect(piped).toMatch(/\{"level":40,.*"msg":"NATS at .* not reachable/);
    expect(piped).toMatch(/\{"level":30,.*"msg":"connecting to NATS at/);
  }, 40_000);
});
