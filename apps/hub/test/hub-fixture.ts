import pino from 'pino';
import { InProcessBus, type Bus } from '@mcp-hub/bus';
import { runConnector, type ConnectorService, type RunConnectorOptions } from '@mcp-hub/connector-kit';
import { createEchoConnector, type EchoDeps } from '@mcp-hub/connector-kit/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Principal } from '@mcp-hub/connector-contract';
import { Hub, type HubOptions } from '../src/hub';
import { HttpFront, type HttpFrontOptions } from '../src/http/http-front';

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** An HTTP front on loopback for tests: principal `tester` with every scope, small bounds, a free port. */
export function testFront(hub: Hub, overrides: Partial<HttpFrontOptions> = {}): HttpFront {
  return new HttpFront({
    hub,
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
}

/** A hub with an HTTP front and an echo connector on one bus (in-process unless given). */
export class HubFixture {
  readonly deps: EchoDeps = { aborted: [] };
  readonly clients: Client[] = [];
  connectors: ConnectorService<EchoDeps>[] = [];
  hub!: Hub;
  front!: HttpFront;
  url!: string;
  /** Fronts added with {@link addFront}, each serving another principal. */
  readonly otherFronts: HttpFront[] = [];

  constructor(readonly bus: Bus = new InProcessBus()) {}

  async start(overrides: Partial<HttpFrontOptions> = {}, callTimeoutMs = 5000, hubOptions: Partial<HubOptions> = {}): Promise<this> {
    this.hub = new Hub({ bus: this.bus, hubId: `test-${process.pid}-${Math.floor(Math.random() * 1e6)}`, logger: silent, callTimeoutMs, sweepMs: 200, ...hubOptions });
    await this.hub.start();
    this.front = this.newFront(overrides);
    this.url = await this.front.listen();
    return this;
  }

  /**
   * Another HTTP front on the same hub whose every request comes from `principal` (until the
   * hub authenticates clients, a front has one configured principal); returns its MCP URL.
   */
  async addFront(principal: Principal): Promise<string> {
    const front = this.newFront({ principalFor: () => principal });
    this.otherFronts.push(front);
    return front.listen();
  }

  private newFront(overrides: Partial<HttpFrontOptions>): HttpFront {
    return testFront(this.hub, overrides);
  }

  async addConnector(id = 'echo', heartbeatMs = 2000, replica: Pick<RunConnectorOptions<EchoDeps>, 'maxConcurrency' | 'maxQueued'> = {}): Promise<ConnectorService<EchoDeps>> {
    const service = await runConnector(createEchoConnector(id), { bus: this.bus, deps: this.deps, heartbeatMs, logger: silent, ...replica });
    this.connectors.push(service);
    await waitFor(() => this.hub.inventory.replicaCount(id) > 0);
    return service;
  }

  /** An SDK client; `era` 2025 does the initialize handshake, 2026 is pinned to the sessionless revision. */
  async client(era: '2025' | '2026' = '2025', url = this.url): Promise<Client> {
    const client = new Client(
      { name: 'test-client', version: '1.0.0' },
      era === '2026' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {},
    );
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) await client.close().catch(() => undefined);
    await this.front?.close();
    for (const front of this.otherFronts) await front.close();
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
