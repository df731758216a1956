import { Command } from 'commander';
import { loadConfig, type ConfigFlags } from './config-loader';
import { runEmbedded } from './commands/embedded';
import { runHub } from './commands/hub';
import { runConnectorService } from './commands/connector';
import { runNewConnector } from './commands/new-connector';
import { runToolsList } from './commands/tools';
import { runToolsApprove, runToolsDiff } from './commands/tool-pins';
import { openApprovalStore, openAuditStore, openPinStore } from './hub-runtime';
import type { ApprovalStore, AuditStore, PinStore } from '@mcp-hub/hub';
import { runApprovalsDecide, runApprovalsList } from './commands/approvals';
import type { CliConfig } from './cli-config';
import { runAuditExport, runAuditVerify } from './commands/audit';
import { runCall } from './commands/call';
import { runDoctor } from './commands/doctor';
import { CommandFailure, ExitCode } from './exit-codes';
import { runTokenCreate, runTokenRevoke, type TokenCreateOptions } from './commands/token';
import { runKeysCreate, type KeysCreateOptions } from './commands/keys';

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
    .option('--max-queued <n>', 'calls that may wait for a slot on a full replica; more are refused as busy (env MCP_HUB_MAX_QUEUED, default 0)')
    .option('--metrics-port <port>', 'a connector replica\'s own /metrics, /healthz, /readyz port (env MCP_HUB_METRICS_PORT; host MCP_HUB_METRICS_HOST, default 127.0.0.1; off by default)');
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
    .command('keys')
    .description('keys for signed connector manifests (signedManifests)')
    .command('create <connector>')
    .description('write an Ed25519 key pair for a connector: <connector>.key.pem (mode 0600) and <connector>.pub.pem; prints the configuration lines')
    .option('--out <dir>', 'where to write them (default: the working directory); never overwrites')
    .action((connector: string, options: KeysCreateOptions) => withExitCode(async () => runKeysCreate(connector, options)));

  program
    .command('new')
    .description('create something from a template')
    .command('connector <id>')
    .description('write a working connector package (module, tools, resource, prompt, test, README) to start from')
    .option('--dir <path>', 'where to write it (default connectors/<id>); refuses an existing folder')
    .action((id: string, options: { dir?: string }) => runNewConnector(id, options));

  const tools = program.command('tools').description('inspect the tools of a running hub, and review pinned definitions');
  withHubFlags(tools.command('list'))
    .description('list the tools the hub shows you (name, description, [write] marks)')
    .option('--json', 'print the tools as the hub sent them')
    .action((flags) => withExitCode(async () => (await runToolsList(flags), ExitCode.ok)));
  tools
    .command('diff')
    .description('show tool, prompt and resource definitions held until approved (changed, or flagged by the description scanner)')
    .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG): the pin store of pinning.postgresUrl or <dataDir>/pins.sqlite')
    .option('--data-dir <dir>', 'the data directory of the hub (env MCP_HUB_DATA_DIR)')
    .option('--json', 'print the held records as JSON')
    .action((flags: ConfigFlags & { json?: boolean }) => withExitCode(() => withPinStore(flags, (store) => runToolsDiff(store, flags))));
  tools
    .command('approve <name>')
    .description('approve the held definition of a tool or prompt (qualified name) or resource (URI); hubs serve it again within seconds')
    .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG)')
    .option('--data-dir <dir>', 'the data directory of the hub (env MCP_HUB_DATA_DIR)')
    .option('--kind <kind>', 'only this kind: tool, prompt, resource or resourceTemplate')
    .action((name: string, flags: ConfigFlags & { kind?: string }) => withExitCode(() => withPinStore(flags, (store) => runToolsApprove(store, name, flags))));

  const approvals = program.command('approvals').description('calls waiting for a person to approve them (destructive and outbound tools, policy @approval, tainted sessions)');
  approvals
    .command('list')
    .description('list the calls waiting for approval, with their arguments (redacted)')
    .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG): the store of approvals.postgresUrl or <dataDir>/approvals.sqlite')
    .option('--data-dir <dir>', 'the data directory of the hub (env MCP_HUB_DATA_DIR)')
    .option('--json', 'print the pending requests as JSON')
    .action((flags: ConfigFlags & { json?: boolean }) => withExitCode(() => withApprovalStore(flags, (store) => runApprovalsList(store, flags))));
  for (const [verb, decision, what] of [
    ['approve', 'approved', 'approve one call: it runs once when the client calls again with the same arguments'],
    ['deny', 'denied', 'deny one call: the client reads the refusal'],
  ] as const) {
    approvals
      .command(`${verb} <id>`)
      .description(what)
      .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG)')
      .option('--data-dir <dir>', 'the data directory of the hub (env MCP_HUB_DATA_DIR)')
      .action((id: string, flags: ConfigFlags) => withExitCode(() => withApprovalStore(flags, (store, config) => runApprovalsDecide(store, id, decision, config.approvals.ttlMinutes))));
  }
  const audit = program.command('audit').description('check and export the audit log (<dataDir>/audit.sqlite, or audit.postgresUrl)');
  withAuditFlags(audit.command('verify'))
    .description('walk the hash chain and name the first edited, removed or reordered record (exit 1)')
    .option('--json', 'print the result as JSON')
    .action((flags: AuditFlags & { json?: boolean }) => withExitCode(() => withAuditStore(flags, (store) => runAuditVerify(store, flags))));
  withAuditFlags(audit.command('export'))
    .description('write the records of a time range as JSON lines, in chain order')
    .requiredOption('--since <time>', 'first record time, ISO 8601 (2026-12-03T00:00:00Z)')
    .option('--until <time>', 'end of the range, exclusive, ISO 8601 (default: now and after)')
    .action((flags: AuditFlags & { since: string; until?: string }) => withExitCode(() => withAuditStore(flags, (store) => runAuditExport(store, flags))));

  withHubFlags(program.command('call <tool>'))
    .description('call one tool on a running hub; progress on stderr, the result on stdout')
    .option('--args <json>', 'the arguments, a JSON object (default {})')
    .option('--timeout <seconds>', 'give up after this long without progress (default 60)')
    .option('--json', 'print the whole result (content, structuredContent, isError) as JSON')
    .action((tool: string, flags) => withExitCode(() => runCall(tool, flags)));

  withCommonFlags(program.command('doctor [target]'))
    .description('check what `mcp-hub <target>` needs and say how to fix what is wrong; target: start (default), hub, or a connector id')
    .option('--json', 'print the checks as JSON')
    .action((target: string | undefined, flags) => withExitCode(() => runDoctor(target, flags)));

  await program.parseAsync(withDefaultCommand(argv));
}

/** Runs `run` on the approval store the configuration names, and closes it. */
async function withApprovalStore(flags: ConfigFlags, run: (store: ApprovalStore, config: CliConfig) => Promise<ExitCode>): Promise<ExitCode> {
  const config = loadConfig({ config: flags.config, dataDir: flags.dataDir });
  const store = openApprovalStore(config);
  try {
    return await run(store, config);
  } finally {
    await store.close();
  }
}

/** Runs `run` on the pin store the configuration names, and closes it. */
async function withPinStore(flags: ConfigFlags, run: (store: PinStore) => Promise<ExitCode>): Promise<ExitCode> {
  const store = openPinStore(loadConfig({ config: flags.config, dataDir: flags.dataDir }));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

type AuditFlags = ConfigFlags & { postgresUrl?: string };

function withAuditFlags(command: Command): Command {
  return command
    .option('--config <file>', 'JSON configuration file (env MCP_HUB_CONFIG): the audit store of audit.postgresUrl or <dataDir>/audit.sqlite')
    .option('--data-dir <dir>', 'the data directory of the hub (env MCP_HUB_DATA_DIR)')
    .option('--postgres-url <url>', 'the PostgreSQL audit store (env MCP_HUB_AUDIT_POSTGRES_URL; prefer the variable for a URL with a password)');
}

/** Runs `run` on the audit store the flags or configuration name, and closes it. */
async function withAuditStore(flags: AuditFlags, run: (store: AuditStore) => Promise<ExitCode>): Promise<ExitCode> {
  const store = openAuditStore(loadConfig({ config: flags.config, dataDir: flags.dataDir }), flags.postgresUrl);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

function withHubFlags(command: Command): Command {
  return command
    .option('--url <url>', 'the hub\'s MCP endpoint (env MCP_HUB_URL, default http://127.0.0.1:3000/mcp)')
    .option('--token <token>', 'bearer token for the hub (env MCP_HUB_TOKEN; prefer the variable, flags show in ps)');
}

/** Runs a client command and sets the process's exit code (README, "Exit codes"); a CommandFailure prints its message. */
async function withExitCode(run: () => Promise<ExitCode>): Promise<void> {
  try {
    process.exitCode = await run();
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    process.stderr.write(`mcp-hub: ${error.message}\n`);
    process.exitCode = error.exitCode;
  }
}

/**
 * Inserts the default command when none is given: `MCP_HUB_SERVICE` when set (the container image
 * sets it from its SERVICE build argument: `hub`, `connector database`), else `start`.
 * Commander's own default command would also swallow a misspelt command as an argument of
 * `start` ("too many arguments"); without one it reports "unknown command 'strat' (Did you mean start?)".
 */
function withDefaultCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const [node, script, first, ...rest] = argv;
  const service = env.MCP_HUB_SERVICE?.trim() ? env.MCP_HUB_SERVICE.trim().split(/\s+/) : ['start'];
  if (first === undefined) return [node!, script!, ...service];
  if (first.startsWith('-') && !['-h', '--help', '-V', '--version'].includes(first)) return [node!, script!, ...service, first, ...rest];
  return argv;
}
