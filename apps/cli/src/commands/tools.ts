import type { Tool } from '@modelcontextprotocol/client';
import { connectToHub, type HubConnectionFlags } from '../remote/hub-connection';

export interface ToolsListFlags extends HubConnectionFlags {
  json?: boolean;
}

/**
 * `mcp-hub tools list`: the tools the hub shows this principal, every page of `tools/list`.
 * Plain output is one tool per line (name, then the first line of its description); `--json`
 * prints the tools as the hub sent them.
 */
export async function runToolsList(flags: ToolsListFlags, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const client = await connectToHub(flags);
  try {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    if (flags.json) {
      out.write(`${JSON.stringify(tools, null, 2)}\n`);
      return;
    }
    const width = Math.max(0, ...tools.map((t) => t.name.length));
    for (const tool of tools) out.write(`${tool.name.padEnd(width)}  ${firstLine(tool.description)}${writeMark(tool)}\n`);
    out.write(`${tools.length} tools\n`);
  } finally {
    await client.close();
  }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n', 1)[0]!.trim();
}

/** Flags what changes the world, so the list reads like a risk list. */
function writeMark(tool: Tool): string {
  const a = tool.annotations;
  if (!a || a.readOnlyHint) return '';
  return a.destructiveHint === false ? ' [write]' : ' [write, destructive]';
}
