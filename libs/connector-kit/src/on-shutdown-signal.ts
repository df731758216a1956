import type { Logger } from 'pino';
import { shutdownTracing } from '@mcp-hub/telemetry';

/**
 * Runs `stop` once on SIGTERM or SIGINT, sends the buffered trace spans, then exits. A second signal exits at once (an operator
 * who presses Ctrl-C twice means it).
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop()
      .then(() => shutdownTracing())
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
