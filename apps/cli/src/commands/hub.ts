import { Redactor, connectNats, exitWhenUnreachable, onShutdownSignal } from '@mcp-hub/connector-kit';
import type { CliConfig } from '../cli-config';
import { httpFront, listenOrExplain, openSessionStore, startHub, stopHub } from '../hub-runtime';
import { createLogger } from '../logger';
import { assertAuthOrLoopback, assertionSigner, openHubAuth } from '../hub-auth';

/**
 * The hub front alone, over NATS: connectors run as their own services (`mcp-hub connector <id>`).
 * The HTTP front comes up before NATS is reached: `/healthz` answers at once and `/readyz` says
 * 503 with the reason until the bus is connected.
 */
export async function runHub(config: CliConfig): Promise<void> {
  // The hub's own credentials never reach a log line, whatever a driver puts in its errors (URL userinfo is masked by shape).
  const redactor = new Redactor([config.nats.pass, config.nats.token]);
  const logger = createLogger(config.log.level, 'mcp-hub', { redactor });
  assertAuthOrLoopback(config);
  const signer = assertionSigner(config, logger);
  const auth = await openHubAuth(config, logger);
  const nats = connectNats(config.nats, 'mcp-hub', logger);
  const hub = await startHub(config, nats.bus, logger, nats.displayUrl, signer);
  const sessionStore = await openSessionStore(config, logger);
  const front = httpFront(hub, config, logger, sessionStore, auth.http);
  const url = await listenOrExplain(front, config);
  logger.info({ url, nats: nats.displayUrl, sessions: config.sessions.store }, 'hub serving');
  process.stdout.write(`MCP hub serving ${url} (NATS ${nats.displayUrl})\n`);
  exitWhenUnreachable(nats, logger);
  onShutdownSignal(logger, async () => {
    await front.close();
    await sessionStore.close();
    await auth.close();
    await stopHub(hub);
    await nats.bus.close();
  });
}
