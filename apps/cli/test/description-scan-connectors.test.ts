import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildConnector, exposeTools, ToolExposureSchema, type ConnectorDefinition, type ConnectorModule } from '@mcp-hub/connector-kit';
import { githubConnector } from '@mcp-hub/connector-github';
import { mqttConnector } from '@mcp-hub/connector-mqtt';
import { slackConnector } from '@mcp-hub/connector-slack';
import { describeFindings, scanDefinition, shadowedNames } from '@mcp-hub/hub';
import { qualifiedToolName, type Manifest } from '@mcp-hub/connector-contract';
import { builtInConnectors } from '../src/built-in-connectors';

const silent = pino({ level: 'silent' });
const everyTool = ToolExposureSchema.parse({ writeMode: true });

/** The manifest a connector announces with every tool exposed (write tools included). */
function announced(connector: ConnectorDefinition<unknown>) {
  return exposeTools(connector, everyTool).manifest;
}

describe('description scanner on the shipped connectors', () => {
  let dataDir: string;
  /** Every manifest scanned, for the shadowed-name check across connectors. */
  const manifests: Manifest[] = [];
  beforeAll(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'scan-connectors-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['github', githubConnector],
    ['slack', slackConnector],
    ['mqtt', mqttConnector],
  ])('finds nothing in the %s manifest', (_id, connector) => {
    const manifest = announced(connector as ConnectorDefinition<unknown>);
    manifests.push(manifest);
    expect(manifest.tools.length).toBeGreaterThan(0);
    expect(describeFindings(scanDefinition(manifest))).toEqual([]);
  });

  // These three have an offline demo: their manifest is the one the embedded mode announces, demo source descriptions included.
  it.each(['helpdesk', 'database', 'email'])('finds nothing in the %s manifest (embedded demo configuration)', async (id) => {
    const module = builtInConnectors.get(id) as ConnectorModule<unknown, unknown>;
    mkdirSync(path.join(dataDir, id));
    const built = await buildConnector(module, { embedded: true, dataDir: path.join(dataDir, id), fromFile: { writeMode: true }, env: {} }, silent);
    try {
      const manifest = announced(built.connector);
      manifests.push(manifest);
      expect(manifest.tools.length).toBeGreaterThan(0);
      expect(describeFindings(scanDefinition(manifest))).toEqual([]);
    } finally {
      await built.close();
    }
  });

  it('finds no tool or prompt name of one connector that reads like another\'s', () => {
    expect(manifests).toHaveLength(6);
    const names = manifests.flatMap((m) => [...m.tools, ...m.prompts].map((item) => qualifiedToolName(m.id, item.name)));
    expect(names.length).toBeGreaterThan(30);
    expect([...shadowedNames(names)]).toEqual([]);
  });
});
