import { readFileSync } from 'node:fs';
import { toolTableInReadme } from '@mcp-hub/connector-kit/testing';
import { generatedToolTables } from '../../scripts/tool-tables';

describe('connector READMEs', () => {
  it('hold the tool tables generated from the connectors (regenerate with npx tsx scripts/tool-tables.ts)', async () => {
    const tables = await generatedToolTables();
    expect(tables.map((t) => t.id).sort()).toEqual(['database', 'email', 'github', 'helpdesk', 'mqtt', 'slack']);
    for (const { id, readme, table } of tables) {
      expect({ id, table: toolTableInReadme(readFileSync(readme, 'utf8')) }).toEqual({ id, table });
    }
  });
});
