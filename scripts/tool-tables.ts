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
import { toolTable, withToolTable } from '@mcp-hub/connector-kit/testing';
import { builtInConnectors } from '../apps/cli/src/built-in-connectors';

/** Each built-in connector's README path and generated table (the embedded demo configuration). */
export async function generatedToolTables(): Promise<Array<{ id: string; readme: string; table: string }>> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tool-tables-'));
  try {
    const tables = [];
    for (const module of builtInConnectors.values()) {
      const settings = module.configSchema.parse(withEveryTool(module.id, withoutKitKeys(module.embeddedConfig(dataDir))));
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
function withEveryTool(id: string, config: Record<string, unknown>): Record<string, unknown> {
  if (id !== 'database') return config;
  const sources = config['sources'] as Array<Record<string, unknown>>;
  return { ...config, sources: sources.map((source) => ({ ...source, mode: 'read-write' })) };
}

function withoutKitKeys(config: Record<string, unknown>): Record<string, unknown> {
  const { writeMode: _w, toolsets: _t, tools: _x, ...own } = config;
  return own;
}

if (require.main === module) {
  void generatedToolTables().then((tables) => {
    for (const { readme, table } of tables) writeFileSync(readme, withToolTable(readFileSync(readme, 'utf8'), table));
  });
}
