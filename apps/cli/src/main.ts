import { Command } from 'commander';
import { loadConfig, type ConfigFlags } from './config-loader';
import { runEmbedded } from './commands/embedded';
import { runHub } from './commands/hub';
import { runConnectorService } from './commands/connector';

function withCommonFlags(command: Command): Command {
  return command
    .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG)')
    .option('--port <port>', 'HTTP port (env PORT, default 3000)')
    .option('--host <host>', 'HTTP host (env HOST, default 127.0.0.1)')
    .option('--nats <url>', 'NATS server URL (env NATS_URL, default nats://127.0.0.1:4222)')
    .option('--namespace <name>', 'deployment namespace, the first token of every NATS subject (env MCP_HUB_NAMESPACE, default mcphub)')
    .option('--data-dir <dir>', 'embedded state and demo data (env MCP_HUB_DATA_DIR, default .mcp-hub)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL)')
    .option('--max-concurrency <n>', 'most calls one connector replica runs at once (env MCP_HUB_MAX_CONCURRENCY)')
    .option('--max-queued <n>', 'calls that may wait for a slot on a full replica; more are refused as busy (env MCP_HUB_MAX_QUEUED, default 0)');
}

/** The `mcp-hub` command. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('mcp-hub').description('One governed MCP endpoint in front of your systems.').showHelpAfterError();

  withCommonFlags(program.command('start', { isDefault: true }))
    .description('embedded hub with the built-in connectors, Streamable HTTP on /mcp')
    .action((flags: ConfigFlags) => runEmbedded(loadConfig(flags), 'http'));

  withCommonFlags(program.command('stdio'))
    .description('embedded hub speaking MCP on stdin/stdout (logs on stderr)')
    .action((flags: ConfigFlags) => runEmbedded(loadConfig(flags), 'stdio'));

  withCommonFlags(program.command('hub'))
    .description('the hub front only, forwarding to connector services over NATS')
    .action((flags: ConfigFlags) => runHub(loadConfig(flags)));

  withCommonFlags(program.command('connector <id>'))
    .description('one connector service replica over NATS')
    .action((id: string, flags: ConfigFlags) => runConnectorService(id, loadConfig(flags)));

  await program.parseAsync(argv);
}
