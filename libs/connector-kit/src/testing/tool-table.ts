import { qualifiedToolName } from '@mcp-hub/connector-contract';
import type { ConnectorDefinition } from '../define-connector';

/**
 * The markdown table of a connector's tools for its README, generated from its definition: the
 * name clients see, toolset, the four hints and the description. Each connector's README test
 * fails when the README holds a different table.
 */
export function toolTable<D>(connector: ConnectorDefinition<D>): string {
  const id = connector.manifest.id;
  const toolsetOf = new Map([...connector.toolsets].flatMap(([toolset, names]) => names.map((name) => [name, toolset] as const)));
  const yes = (flag: boolean) => (flag ? 'yes' : 'no');
  const rows = connector.manifest.tools.map((tool) => {
    const a = tool.annotations;
    const description = tool.description.split('|').join('\\|').split('\n').join(' ');
    const cells = [`\`${qualifiedToolName(id, tool.name)}\``, toolsetOf.get(tool.name) ?? '', yes(a.readOnlyHint), yes(a.destructiveHint), yes(a.idempotentHint), yes(a.openWorldHint), description];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| Tool | Toolset | Read-only | Destructive | Idempotent | Open world | Description |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}

const START = '<!-- tool-table:start -->';
const END = '<!-- tool-table:end -->';

/** The table as it sits in a README between `<!-- tool-table:start -->` and `<!-- tool-table:end -->`, or undefined without markers. */
export function toolTableInReadme(readme: string): string | undefined {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + START.length, end).trim();
}

/** The README with `table` between the markers. @throws when the README has no markers. */
export function withToolTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no ${START} … ${END} markers`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}
