/**
 * Prints the README's tool table, generated from the connector's manifest (write mode on, so
 * every tool is listed). `src/readme.test.ts` fails when README.md holds a different table.
 *
 *   npx tsx connectors/helpdesk/scripts/tool-table.ts
 */
import type { Manifest } from '@mcp-hub/connector-contract';
import { clientName } from '../src/client-name';
import { HELPDESK_TOOLSETS, createHelpdeskConnector } from '../src/connector';

/** The markdown table of `manifest`'s tools: the name clients see, toolset, the four hints, description. */
export function toolTable(manifest: Manifest): string {
  const toolsetOf = new Map(Object.entries(HELPDESK_TOOLSETS).flatMap(([toolset, tools]) => tools.map((t) => [t.descriptor.name, toolset] as const)));
  const yes = (flag: boolean) => (flag ? 'yes' : 'no');
  const rows = manifest.tools.map((tool) => {
    const a = tool.annotations;
    const cells = [`\`${clientName(tool.name)}\``, toolsetOf.get(tool.name) ?? '', yes(a.readOnlyHint), yes(a.destructiveHint), yes(a.idempotentHint), yes(a.openWorldHint), tool.description.replace(/\|/g, '\\|')];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '| Tool | Toolset | Read-only | Destructive | Idempotent | Open world | Description |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export function helpdeskToolTable(): string {
  return toolTable(createHelpdeskConnector({ writeMode: true }).manifest);
}

if (require.main === module) process.stdout.write(`${helpdeskToolTable()}\n`);
