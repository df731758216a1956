import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * The architecture's dependency rules live in lint (eslint.config.mjs). This proves the rule is
 * active, not silently skipped for want of a project graph: forbidden imports placed in real
 * project folders must be reported.
 */
describe('module boundaries', () => {
  beforeAll(() => {
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  }, 120_000);

  /** Lints `code` as if it were `file` (eslint's own CLI: its flat config is ESM, which jest cannot load). */
  async function violations(file: string, code: string): Promise<string[]> {
    let output: string;
    try {
      output = execFileSync(path.join(root, 'node_modules/.bin/eslint'), ['--stdin', '--stdin-filename', file, '--format', 'json'], { cwd: root, input: code, encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout: string }).stdout; // eslint exits 1 when it finds errors
    }
    const [result] = JSON.parse(output) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
    return (result?.messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
  }

  it('refuses a connector importing the hub', async () => {
    expect(await violations('connectors/helpdesk/src/probe.ts', "import { Hub } from '@mcp-hub/hub';\nexport const x = Hub;\n")).toHaveLength(1);
  });

  it('refuses a connector importing another connector', async () => {
    expect(await violations('connectors/helpdesk/src/probe.ts', "import { databaseModule } from '@mcp-hub/connector-database';\nexport const x = databaseModule;\n")).toHaveLength(1);
  });

  it('refuses the hub importing a connector or a vendor SDK', async () => {
    expect(await violations('apps/hub/src/probe.ts', "import { helpdeskModule } from '@mcp-hub/connector-helpdesk';\nexport const x = helpdeskModule;\n")).toHaveLength(1);
    expect(await violations('apps/hub/src/probe.ts', "import pg from 'pg';\nexport const x = pg;\n")).toHaveLength(1);
  });

  it('refuses the contract importing anything but zod', async () => {
    expect(await violations('libs/connector-contract/src/probe.ts', "import pino from 'pino';\nexport const x = pino;\n")).toHaveLength(1);
    expect(await violations('libs/connector-contract/src/probe.ts', "import { z } from 'zod';\nexport const x = z;\n")).toHaveLength(0);
  });

  it('allows a connector to use the kit and the contract', async () => {
    expect(await violations('connectors/helpdesk/src/probe.ts', "import { defineTool } from '@mcp-hub/connector-kit';\nimport { subjects } from '@mcp-hub/connector-contract';\nexport const x = [defineTool, subjects];\n")).toHaveLength(0);
  });
});
