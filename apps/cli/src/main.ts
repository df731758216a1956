import { Command } from 'commander';
import { loadConfig, type ConfigFlags } from './config-loader';
import { runEmbedded } from './commands/embedded';
import { runHub } from './commands/hub';
import { runConnectorService } from './commands/connector';
import { runNewConnector } from './commands/new-connector';
import { runTokenCreate, runTokenRevoke, type TokenCreateOptions } from './commands/token';

function withCommonFlags(command: Command): Command {
  return command
    .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG)')
    .option('--port <port>', 'HTTP port (env PORT, default 3000)')
    .option('--host <host>', 'HTTP host (env HOST, default 127.0.0.1)')
    .option('--nats <url>', 'NATS server URL (env NATS_URL, default nats://127.0.0.1:4222)')
    .option('--namespace <name>', 'deployment namespace, the first token of every NATS subject (env MCP_HUB_NAMESPACE, default mcphub)')
    .option('--wait-for-bus <seconds>', 'give up and exit 1 when NATS is not reachable after this long (env MCP_HUB_WAIT_FOR_BUS, default 0: wait for ever)')
    .option('--data-dir <dir>', 'embedded state and demo data (env MCP_HUB_DATA_DIR, default: per user, e.g. ~/.local/share/mcp-hub)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env LOG_LEVEL)')
    .option('--max-concurrency <n>', 'most calls one connector replica runs at once (env MCP_HUB_MAX_CONCURRENCY)')
    .option('--max-queued <n>', 'calls that may wait for a slot on a full replica; more are refused as busy (env MCP_HUB_MAX_QUEUED, default 0)');
}

/** The `mcp-hub` command. Without a command (`mcp-hub`, `mcp-hub --port 3999`) it runs `start`. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('mcp-hub').description('One governed MCP endpoint in front of your systems.').showHelpAfterError();

  withCommonFlags(program.command('start'))
    .description('embedded hub with the built-in connectors, Streamable HTTP on /mcp (the default)')
    .option('--insecure-no-auth', 'serve beyond loopback without authentication: every client acts as the configured principal')
    .action((flags: ConfigFlags) => runEmbedded(loadConfig(flags), 'http'));

  withCommonFlags(program.command('stdio'))
    .description('embedded hub speaking MCP on stdin/stdout (logs on stderr)')
    .action((flags: ConfigFlags) => runEmbedded(loadConfig(flags), 'stdio'));

  withCommonFlags(program.command('hub'))
    .description('the hub front only, forwarding to connector services over NATS')
    .option('--insecure-no-auth', 'serve beyond loopback without authentication: every client acts as the configured principal')
    .action((flags: ConfigFlags) => runHub(loadConfig(flags)));

  withCommonFlags(program.command('connector <id>'))
    .description('one connector replica over NATS: built in, or the package connectors.<id>.module names')
    .action((id: string, flags: ConfigFlags) => runConnectorService(id, loadConfig(flags)));

  const token = program.command('token').description('the hub\'s own short-lived access tokens (auth.hubTokens)');
  token
    .command('create')
    .description('mint a hub-signed token; prints it on stdout, its id and expiry on stderr')
    .requiredOption('--principal <id>', 'who the token is for (its sub)')
    .option('--scopes <list>', 'granted scopes, comma- or space-separated')
    .option('--roles <list>', 'roles, comma- or space-separated')
    .option('--ttl <duration>', 'life of the token: 90s, 15m, 1h (at most auth.hubTokens.maxTtlMinutes)', '15m')
    .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG)')
    .action((options: TokenCreateOptions & ConfigFlags) => runTokenCreate(loadConfig({ config: options.config }), options));
  token
    .command('revoke <tokenOrId>')
    .description('revoke a token (or its id) on every hub sharing the Redis revocation list (REDIS_URL)')
    .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG)')
    .action((tokenOrId: string, options: ConfigFlags) => runTokenRevoke(loadConfig({ config: options.config }), tokenOrId));

  program
    .command('new')
    .description('create something from a template')
    .command('connector <id>')
    .description('write a working connector package (module, tools, resource, prompt, test, README) to start from')
    .option('--dir <path>', 'where to write it (default connectors/<id>); refuses an existing folder')
    .action((id: string, options: { dir?: string }) => runNewConnector(id, options));

  await program.parseAsync(withDefaultCommand(argv));
}

/**
 * Inserts `start` when no command is given. Commander's own default command would also swallow
 * a misspelt command as an argument of `start` ("too many arguments"); without one it reports
 * "unknown command 'strat' (Did you mean start?)".
 */
function withDefaultCommand(argv: string[]): string[] {
  const [node, script, first, ...rest] = argv;
  if (first === undefined) return [node!, script!, 'start'];
  if (first.startsWith('-') && !['-h', '--help', '-V', '--version'].includes(first)) return [node!, script!, 'start', first, ...rest];
  return argv;
}
