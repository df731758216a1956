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
import { builtInConnectors, optInConnectors } from '../apps/cli/src/built-in-connectors';

/** Each built-in connector's README path and generated table (the embedded demo configuration). */
export async function generatedToolTables(): Promise<Array<{ id: string; readme: string; table: string }>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tool-tables-'));
  try {
    const tables = [];
    for (const module of builtInConnectors.values()) {
      // An opt-in connector (the bridge) has no tools of its own: they come from its upstream.
      if (optInConnectors.has(module.id)) continue;
      // The kit layers and splits the configuration as it does at run time (its own keys apart).
      const sources = { embedded: true, dataDir, fromFile: everyToolOverride(module.id, module.embeddedConfig(dataDir)), env: {} };
      const { settings } = resolveConnectorConfig(module, sources);
      const built = await module.create(settings, pino({ level: 'silent' }));
      tables.push({ id: module.id, readme: path.join(__dirname, '..', 'connectors', module.id, 'README.md'), table: toolTable(built.connector) });
      await built.close();
    }
    return tables;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The database offers execute_statement only with a read-write source: the table lists every tool, so its demo source is made one. */
function everyToolOverride(id: string, embedded: Record<string, unknown>): Record<string, unknown> {
  if (id !== 'database') return {};
  const sources = embedded['sources'] as Array<Record<string, unknown>>;
  return { sources: sources.map((source) => ({ ...source, mode: 'read-write' })) };
}

if (require.main === module) {
  void generatedToolTables().then((tables) => {
    for (const { readme, table } of tables) writeFileSync(readme, withToolTable(readFileSync(readme, 'utf8'), table));
  });
}
