/**
 * Writes each built-in connector's README tool table, generated from its definition with every
 * tool exposed (write mode on), between the `<!-- tool-table:start/end -->` markers.
 * `test/architecture/readme-tool-tables.test.ts` fails when a README holds another table.
 *
 *   npx tsx scripts/tool-tables.ts
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { resolveConnectorConfig } from '@mcp-hub/connector-kit';
import { toolTable, withToolTable } from '@mcp-hub/connector-kit/testing';
import { FakeSlack } from '@mcp-hub/connector-slack/testing';
import { builtInConnectors } from '../apps/cli/src/built-in-connectors';

/** Each built-in connector's README path and generated table (the embedded demo configuration). */
export async function generatedToolTables(): Promise<Array<{ id: string; readme: string; table: string }>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tool-tables-'));
  // Slack has no offline demo: its connector is built against the local fake of its Web API.
  const slack = await FakeSlack.start();
  try {
    const tables = [];
    for (const module of builtInConnectors.values()) {
      // The bridge has no tools of its own: they come from its upstream.
      if (module.id === 'bridge') continue;
      // The kit layers and splits the configuration as it does at run time (its own keys apart).
      const sources = { embedded: true, dataDir, fromFile: everyToolOverride(module.id, module.embeddedConfig(dataDir), slack), env: {} };
      const { settings } = resolveConnectorConfig(module, sources);
      const built = await module.create(settings, pino({ level: 'silent' }));
      tables.push({ id: module.id, readme: path.join(__dirname, '..', 'connectors', module.id, 'README.md'), table: toolTable(built.connector) });
      await built.close();
    }
    return tables;
  } finally {
    await slack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The database offers execute_statement only with a read-write source: the table lists every
 * tool, so its demo source is made one. The mqtt connector has no demo broker: it is given one
 * that nothing listens on (it connects in the background, so its tools are listed all the same).
 * Slack needs a token and an API: the fake's. GitHub has no embedded demo: it gets a placeholder
 * token and repository (`create` sends no request).
 */
function everyToolOverride(id: string, embedded: Record<string, unknown>, slack: FakeSlack): Record<string, unknown> {
  if (id === 'mqtt') return { url: 'mqtt://127.0.0.1:1', subscriptions: [{ filter: 'sensors/#' }] };
  if (id === 'github') return { auth: { kind: 'token', token: 'placeholder' }, repositories: ['example/example'] };
  if (id === 'slack') return { botToken: slack.botToken, apiUrl: slack.apiUrl, pollIntervalMs: 0 };
  if (id !== 'database') return {};
  const sources = embedded['sources'] as Array<Record<string, unknown>>;
  return { sources: sources.map((source) => ({ ...source, mode: 'read-write' })) };
}

if (require.main === module) {
  void generatedToolTables().then((tables) => {
    for (const { readme, table } of tables) writeFileSync(readme, withToolTable(readFileSync(readme, 'utf8'), table));
  });
}
