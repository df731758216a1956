import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * The CLI's subcommands, read from its source (running `mcp-hub --help` would load every
 * connector, and fail while one is half-built): name → the name of its `<argument>`, if any.
 */
export function cliCommands(): Map<string, { argument?: string }> {
  const source = readFileSync(path.join(root, 'apps/cli/src/main.ts'), 'utf8');
  const commands = new Map<string, { argument?: string }>();
  for (const match of source.matchAll(/\.command\(\s*'([a-z][a-z-]*)(?:\s+<([a-z]+)>)?'/g)) commands.set(match[1]!, { argument: match[2] });
  return commands;
}

/** Connector ids the CLI can be asked for: the projects under connectors/. */
export const connectorIds = () =>
  new Set(readdirSync(path.join(root, 'connectors')).filter((dir) => existsSync(path.join(root, 'connectors', dir, 'package.json'))));

/** Whether `args` (a container's command line after `mcp-hub`) is a real subcommand, and a real connector for `connector`. */
export function isMcpHubCommand(args: string[] | undefined): boolean {
  if (!args || args.length === 0) return false;
  const [command, argument] = args;
  const known = cliCommands().get(command!);
  if (!known) return false;
  if (known.argument && !/^[a-z][a-z0-9]{1,30}$/.test(argument ?? '')) return false;
  return command !== 'connector' || connectorIds().has(argument!);
}
