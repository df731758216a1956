import type { CallToolResult } from '@modelcontextprotocol/client';
import { CommandFailure, ExitCode } from '../exit-codes';
import { connectToHub, describe, type HubConnectionFlags } from '../remote/hub-connection';
import { ProgressDisplay } from '../remote/progress-display';

export interface CallFlags extends HubConnectionFlags {
  args?: string;
  json?: boolean;
  /** Seconds without progress before the CLI gives up (each progress notification restarts it). */
  timeout?: string;
}

const DEFAULT_TIMEOUT_SECONDS = 60;

/**
 * `mcp-hub call <tool> --args JSON`: calls one tool as the hub's principal for the token given,
 * showing the hub's progress notifications on stderr. Prints the text content (or, with
 * `--json`, the whole result) on stdout. Exit 1 when the tool returns an error result.
 */
export async function runCall(tool: string, flags: CallFlags, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<ExitCode> {
  const args = parseArguments(flags.args);
  const timeoutMs = parseTimeout(flags.timeout) * 1000;
  const client = await connectToHub(flags);
  const progress = new ProgressDisplay(err);
  let result: CallToolResult;
  try {
    result = (await client.callTool({ name: tool, arguments: args }, { onprogress: (p) => progress.update(p), timeout: timeoutMs, resetTimeoutOnProgress: true })) as CallToolResult;
  } catch (error) {
    // A protocol error (unknown tool, bad session, timeout) rather than a tool result.
    throw new CommandFailure(`${tool}: ${describe(error, flags.token)}`, ExitCode.hubUnreachable);
  } finally {
    progress.stop();
    await client.close();
  }
  out.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderContent(result)}\n`);
  return result.isError ? ExitCode.toolError : ExitCode.ok;
}

function parseArguments(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new CommandFailure(`--args is not valid JSON: ${(error as Error).message}`, ExitCode.usage);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CommandFailure('--args must be a JSON object, e.g. --args \'{"id": 3}\'', ExitCode.usage);
  }
  return value as Record<string, unknown>;
}

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) throw new CommandFailure(`--timeout: "${raw}" is not a number of seconds between 0 and 86400`, ExitCode.usage);
  return seconds;
}

/** Text blocks as they are; other blocks as a one-line placeholder naming what they are. */
function renderContent(result: CallToolResult): string {
  const blocks = result.content.map((block) => {
    switch (block.type) {
      case 'text':
        return block.text;
      case 'resource_link':
        return `[resource ${block.uri}]`;
      case 'resource':
        return `[embedded resource ${block.resource.uri}]`;
      default:
        return `[${block.type} content]`;
    }
  });
  if (blocks.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent, null, 2);
  return blocks.join('\n');
}
