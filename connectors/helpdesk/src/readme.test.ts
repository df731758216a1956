import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { helpdeskToolTable } from '../scripts/tool-table';

describe('helpdesk README', () => {
  it('holds the tool table generated from the manifest (regenerate with scripts/tool-table.ts)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const table = /<!-- tool-table:start -->\n([\s\S]*?)\n<!-- tool-table:end -->/.exec(readme)?.[1];
    expect(table).toBeDefined();
    expect(table).toBe(helpdeskToolTable());
  });
});
