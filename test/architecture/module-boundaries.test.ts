import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

const probes = {
  connectorImportsHub: { file: 'connectors/helpdesk/src/probe.ts', code: "import { Hub } from '@mcp-hub/hub';\nexport const x = Hub;\n" },
  connectorImportsConnector: { file: 'connectors/helpdesk/src/probe.ts', code: "import { databaseModule } from '@mcp-hub/connector-database';\nexport const x = databaseModule;\n" },
  hubImportsConnector: { file: 'apps/hub/src/probe.ts', code: "import { helpdeskModule } from '@mcp-hub/connector-helpdesk';\nexport const x = helpdeskModule;\n" },
  hubImportsVendorSdk: { file: 'apps/hub/src/probe.ts', code: "import pg from 'pg';\nexport const x = pg;\n" },
  hubStoreImportsDriver: { file: 'apps/hub/src/postgres-probe-store.ts', code: "import pg from 'pg';\nexport const x = pg;\n" },
  hubStoreImportsVendorSdk: { file: 'apps/hub/src/postgres-probe-store.ts', code: "import { WebClient } from '@slack/web-api';\nexport const x = WebClient;\n" },
  contractImportsPino: { file: 'libs/connector-contract/src/probe.ts', code: "import pino from 'pino';\nexport const x = pino;\n" },
  contractImportsZod: { file: 'libs/connector-contract/src/probe.ts', code: "import { z } from 'zod';\nexport const x = z;\n" },
  connectorUsesKit: {
    file: 'connectors/helpdesk/src/probe.ts',
    code: "import { defineTool } from '@mcp-hub/connector-kit';\nimport { subjects } from '@mcp-hub/connector-contract';\nexport const x = [defineTool, subjects];\n",
  },
};

/**
 * The architecture's dependency rules live in lint (eslint.config.mjs). This proves the rule is
 * active, not silently skipped for want of a project graph: forbidden imports placed in real
 * project folders must be reported.
 */
describe('module boundaries', () => {
  let found: Record<keyof typeof probes, string[]>;
  beforeAll(() => {
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
    const entries = Object.entries(probes);
    const output = execFileSync(process.execPath, [path.join(__dirname, 'lint-probes.mjs')], {
      cwd: root,
      input: JSON.stringify(entries.map(([, probe]) => ({ ...probe, file: path.join(root, probe.file) }))),
      encoding: 'utf8',
    });
    const results = JSON.parse(output) as string[][];
    found = Object.fromEntries(entries.map(([name], i) => [name, results[i]!])) as typeof found;
  }, 120_000);

  it('refuses a connector importing the hub', () => expect(found.connectorImportsHub).toHaveLength(1));
  it('refuses a connector importing another connector', () => expect(found.connectorImportsConnector).toHaveLength(1));
  it('refuses the hub importing a connector', () => expect(found.hubImportsConnector).toHaveLength(1));
  it('refuses the hub importing a vendor SDK', () => expect(found.hubImportsVendorSdk).toHaveLength(1));
  it('lets only the hub\'s store files import a database driver, and nothing else', () => {
    expect(found.hubStoreImportsDriver).toHaveLength(0);
    expect(found.hubStoreImportsVendorSdk).toHaveLength(1);
  });
  it('refuses the contract importing anything but zod', () => {
    expect(found.contractImportsPino).toHaveLength(1);
    expect(found.contractImportsZod).toHaveLength(0);
  });
  it('allows a connector to use the kit and the contract', () => expect(found.connectorUsesKit).toHaveLength(0));
});
