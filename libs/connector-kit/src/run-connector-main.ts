import { parseArgs } from 'node:util';
import pino from 'pino';
import type { ConnectorModule } from './connector-module';
import { loadConnectorProcessConfig, type ConnectorProcessFlags } from './connector-process-config';
import { Redactor } from './redactor';
import { serveConnector } from './serve-connector';

/**
 * The whole `main` of a connector package that runs as its own process, with no hub code:
 * `void runConnectorMain(connectorModule);`. It reads its configuration the way
 * `mcp-hub connector <id>` does: the JSON file (`--config` or MCP_HUB_CONFIG, the same file the
 * hub reads; this connector's `connectors.<id>` section), then the environment (NATS_URL,
 * NATS_USER, NATS_PASS, NATS_TOKEN, MCP_HUB_NAMESPACE, MCP_HUB_WAIT_FOR_BUS, LOG_LEVEL,
 * MCP_HUB_MAX_CONCURRENCY, MCP_HUB_MAX_QUEUED and the connector's own variables), then the flags
 * of the same names (`--nats`, `--namespace`, `--wait-for-bus`, `--log-level`,
 * `--max-concurrency`, `--max-queued`, `--metrics-port`). It logs JSON lines on stderr, serves one replica over
 * NATS, and drains it on SIGTERM or SIGINT. Bad configuration, NATS not reached within
 * `--wait-for-bus`, or a failing `create` is written to stderr and the process exits 1.
 */
export async function runConnectorMain<C, D>(module: ConnectorModule<C, D>, argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const config = loadConnectorProcessConfig(parseFlags(argv), env);
    // The connector's secrets are registered with it when it starts: every log line is masked.
    const redactor = new Redactor();
    const logger = pino(
      { level: config.log.level ?? 'info', name: `connector-${module.id}`, base: { pid: process.pid }, hooks: { streamWrite: (line) => redactor.redact(line) } },
      pino.destination({ fd: 2, sync: false }),
    );
    await serveConnector(module, config, logger, env, redactor);
  } catch (error) {
    process.stderr.write(`connector ${module.id}: ${new Redactor().messageOf(error)}\n`);
    process.exit(1);
  }
}

function parseFlags(argv: string[]): ConnectorProcessFlags {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      config: { type: 'string' },
      nats: { type: 'string' },
      namespace: { type: 'string' },
      'wait-for-bus': { type: 'string' },
      'log-level': { type: 'string' },
      'max-concurrency': { type: 'string' },
      'max-queued': { type: 'string' },
      'metrics-port': { type: 'string' },
    },
  });
  return {
    config: values.config,
    nats: values.nats,
    namespace: values.namespace,
    waitForBus: values['wait-for-bus'],
    logLevel: values['log-level'],
    maxConcurrency: values['max-concurrency'],
    maxQueued: values['max-queued'],
    metricsPort: values['metrics-port'],
  };
}
