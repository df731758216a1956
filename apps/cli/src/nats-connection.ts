import type { Logger } from 'pino';
import { NatsBus } from '@mcp-hub/bus';
import type { HubConfig } from '@mcp-hub/hub';

/** Connects to NATS as configured, waiting for the server if it is not up yet, and logs status changes. */
export async function connectNats(config: HubConfig, name: string, logger: Logger): Promise<NatsBus> {
  const bus = await NatsBus.connect({
    servers: config.nats.url,
    name,
    user: config.nats.user,
    pass: config.nats.pass,
    token: config.nats.token,
    waitOnFirstConnect: true,
    onSubscriptionError: (subject, error) => logger.error({ subject, err: error }, 'NATS refused a subscription (check this user\'s permissions)'),
  });
  bus.onStatus((status) => logger.warn({ status }, 'NATS connection status changed'));
  return bus;
}

/** Drops credentials from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/g, '//***@');
}
