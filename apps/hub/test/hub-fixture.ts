import pino from 'pino';
import { InProcessBus, type Bus } from '@mcp-hub/bus';
import { runConnector, type ConnectorService, type RunConnectorOptions } from '@mcp-hub/connector-kit';
import { createEchoConnector, type EchoDeps } from '@mcp-hub/connector-kit/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Hub } from '../src/hub';
import { HttpFront, type HttpFrontOptions } from '../src/http/http-front';

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A hub with an HTTP front and an echo connector on one bus (in-process unless given). */
export class HubFixture {
  readonly deps: EchoDeps = { aborted: [] };
  readonly clients: Client[] = [];
  connectors: ConnectorService<EchoDeps>[] = [];
  hub!: Hub;
  front!: HttpFront;
  url!: string;

  constructor(readonly bus: Bus = new InProcessBus()) {}

  async start(overrides: Partial<HttpFrontOptions> = {}, callTimeoutMs = 5000): Promise<this> {
    this.hub = new Hub({ bus: this.bus, hubId: `test-${process.pid}-${Math.floor(Math.random() * 1e6)}`, logger: silent, callTimeoutMs, sweepMs: 200 });
    await this.hub.start();
    this.front = new HttpFront({
      hub: this.hub,
      logger: silent,
      identity: { name: 'test-hub', version: '0.0.0' },
      principalFor: () => ({ id: 'tester', scopes: ['*'] }),
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 64 * 1024,
      maxSessions: 50,
      allowedHosts: ['localhost', '127.0.0.1'],
      allowedOrigins: ['localhost', '127.0.0.1'],
      sessionIdleMs: 60_000,
      ...overrides,
    });
    this.url = await this.front.listen();
    return this;
  }

  async addConnector(id = 'echo', heartbeatMs = 2000, replica: Pick<RunConnectorOptions<EchoDeps>, 'maxConcurrency' | 'maxQueued'> = {}): Promise<ConnectorService<EchoDeps>> {
    const service = await runConnector(createEchoConnector(id), { bus: this.bus, deps: this.deps, heartbeatMs, logger: silent, ...replica });
    this.connectors.push(service);
    await waitFor(() => this.hub.inventory.replicaCount(id) > 0);
    return service;
  }

  /** An SDK client; `era` 2025 does the initialize handshake, 2026 is pinned to the sessionless revision. */
  async client(era: '2025' | '2026' = '2025'): Promise<Client> {
    const client = new Client(
      { name: 'test-client', version: '1.0.0' },
      era === '2026' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(this.url)));
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) await client.close().catch(() => undefined);
    await this.front?.close();
    for (const connector of this.connectors) await connector.stop();
    this.hub?.stop();
    await this.bus.close();
  }
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
