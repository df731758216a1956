import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { ConnectorConfigError } from './connector-config';
import { DeferredBus, NatsBus, type NatsSettings } from '@mcp-hub/bus';
import { Redactor } from './redactor';

/** First wait between connection attempts, ms; doubled after each failure up to {@link MAX_RETRY_MS}. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/** The bus of a distributed-mode process: usable at once, connected when `connected` resolves. */
export interface NatsConnection {
  bus: DeferredBus;
  /** The configured server URL(s) with any credentials masked, for logs and messages. */
  displayUrl: string;
  /**
   * Resolves when NATS was reached (the bus is attached). Rejects with {@link BusUnreachableError}
   * when `nats.waitSeconds` passed first; never rejects while that is 0 (wait for ever).
   */
  connected: Promise<void>;
}

export class BusUnreachableError extends Error {
  override readonly name = 'BusUnreachableError';
}

/**
 * Connects to NATS as configured without blocking the caller: the returned bus reports
 * `disconnected` until the server answers. Logs at once that it is connecting, then every failed
 * attempt with the wait before the next (backoff from 250 ms to 5 s), and later every status
 * change of the established connection (nats.js then reconnects by itself, for ever).
 */
export function connectNats(settings: NatsSettings, name: string, logger: Logger, options: { inboxPrefix?: string } = {}): NatsConnection {
  const bus = new DeferredBus();
  const redactor = new Redactor([settings.pass, settings.token]);
  const url = redactor.redact(settings.url);
  const waitMs = settings.waitSeconds * 1000;
  const deadline = waitMs > 0 ? Date.now() + waitMs : Infinity;
  logger.info({ nats: url }, `connecting to NATS at ${url}`);

  const credentials = credentialFiles(settings);
  const connected = (async () => {
    let delay = FIRST_RETRY_MS;
    for (let attempt = 1; ; attempt++) {
      if (bus.status === 'closed') return;
      try {
        const nats = await NatsBus.connect({
          servers: settings.url,
          name,
          user: settings.user,
          pass: settings.pass,
          token: settings.token,
          ...credentials,
          inboxPrefix: options.inboxPrefix,
          onSubscriptionError: (subject, error) => logger.error({ subject, err: error }, 'NATS refused a subscription (check this user\'s permissions)'),
        });
        nats.onStatus((status) => logger.warn({ status, nats: url }, 'NATS connection status changed'));
        bus.attach(nats);
        logger.info({ nats: url, attempts: attempt }, `connected to NATS at ${url}`);
        return;
      } catch (error) {
        const reason = redactor.messageOf(error);
        if (Date.now() >= deadline) {
          throw new BusUnreachableError(
            `cannot reach NATS at ${url} after ${settings.waitSeconds} s (${reason}); check --nats / NATS_URL, or wait longer with --wait-for-bus / MCP_HUB_WAIT_FOR_BUS (0 waits for ever)`,
          );
        }
        const wait = Math.min(delay, deadline - Date.now());
        logger.warn({ nats: url, attempt, retryInMs: wait, reason }, `NATS at ${url} not reachable (${reason}); retrying in ${wait} ms`);
        await new Promise((resolve) => setTimeout(resolve, wait));
        delay = Math.min(delay * 2, MAX_RETRY_MS);
      }
    }
  })();
  return { bus, displayUrl: url, connected };
}

/**
 * The NKEY seed or `.creds` file the settings name, read once at start.
 * @throws ConnectorConfigError naming the key and the file that cannot be read
 */
function credentialFiles(settings: NatsSettings): { creds?: Uint8Array; nkeySeed?: Uint8Array } {
  const read = (file: string, key: string) => {
    try {
      return new Uint8Array(readFileSync(file));
    } catch (error) {
      throw new ConnectorConfigError(`${key}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  };
  return {
    ...(settings.credsFile && { creds: read(settings.credsFile, 'nats.credsFile (NATS_CREDS_FILE)') }),
    // Seed files usually end with a newline; the seed itself is one line.
    ...(settings.nkeySeedFile && { nkeySeed: new TextEncoder().encode(Buffer.from(read(settings.nkeySeedFile, 'nats.nkeySeedFile (NATS_NKEY_SEED_FILE)')).toString('utf8').trim()) }),
  };
}

/**
 * Runs `onGiveUp` (with the message) when the bus could not be reached in time: the process
 * then exits 1, after writing the message to stderr where an operator or a supervisor sees it.
 */
export function exitWhenUnreachable(connection: NatsConnection, logger: Logger): void {
  connection.connected.catch((error: Error) => {
    logger.error({ nats: connection.displayUrl }, error.message);
    process.stderr.write(`mcp-hub: ${error.message}\n`);
    process.exit(1);
  });
}
