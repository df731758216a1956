import path from 'node:path';
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from '@modelcontextprotocol/client';
import { Hub, HttpFront } from '@mcp-hub/hub';
import { Redactor, startConnector, type RunningConnector } from '@mcp-hub/connector-kit';
import { bridgeModule, type BridgeConfigInput } from '@mcp-hub/connector-bridge';
import { repoRoot } from './cli-process';
import { waitFor } from './wait-for';

export const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** The published servers' entry points, installed as devDependencies of connectors/bridge. */
export const serverEverything = path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const serverFilesystem = path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
/** Small upstream MCP servers that misbehave on purpose (garbage, hangs, floods, huge answers). */
export const fakeUpstream = path.join(repoRoot, 'apps/cli/test/support/fake-upstream-mcp.mjs');
/** An upstream written with the SDK whose tools ask the client back (elicitation, sampling, roots). */
export const askingUpstream = path.join(repoRoot, 'apps/cli/test/support/asking-upstream-mcp.mjs');

/** A hub with an HTTP front on an in-process bus, bridges started on it, and SDK clients of the hub. */
export class BridgeFixture {
  readonly bus = new InProcessBus();
  readonly hub: Hub;
  readonly bridges: RunningConnector[] = [];
  readonly logs: Array<Record<string, unknown>> = [];
  private front?: HttpFront;
  private url?: string;
  private readonly clients: Client[] = [];
  /** Every log line of the hub and the bridges, as objects (tests read what was left out and why). */
  readonly logger = pino({ level: 'debug' }, { write: (line: string) => void this.logs.push(JSON.parse(line) as Record<string, unknown>) });

  /** `namePrefixes`: what clients see before each connector's names (`connectors.<id>.prefix`). */
  constructor(callTimeoutMs = 10_000, namePrefixes = new Map<string, string>()) {
    this.hub = new Hub({ bus: this.bus, hubId: `bridge-test-${process.pid}-${Math.floor(Math.random() * 1e6)}`, logger: this.logger, callTimeoutMs, sweepMs: 200, namePrefixes });
  }

  async start(): Promise<this> {
    await this.hub.start();
    this.front = new HttpFront({
      hub: this.hub,
      logger: silent,
      identity: { name: 'test-hub', version: '0.0.0' },
      principalFor: () => ({ id: 'tester', scopes: ['*'] }),
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024 * 1024,
      maxSessions: 50,
      allowedHosts: ['localhost', '127.0.0.1'],
      allowedOrigins: ['localhost', '127.0.0.1'],
      sessionIdleMs: 60_000,
    });
    this.url = await this.front.listen();
    return this;
  }

  /** Starts a bridge `id` with its `connectors.<id>` section (plus the kit's keys) and waits until the hub lists it. */
  async bridge(id: string, section: BridgeConfigInput & { writeMode?: boolean; tools?: { allow?: string[]; deny?: string[] } }, env: NodeJS.ProcessEnv = {}): Promise<RunningConnector> {
    const running = await startConnector(bridgeModule(id), {
      sources: { embedded: false, dataDir: repoRoot, fromFile: section as Record<string, unknown>, env, redactor: new Redactor() },
      bus: this.bus,
      logger: this.logger,
    });
    this.bridges.push(running);
    await waitFor(() => this.hub.inventory.replicaCount(id) > 0, 10_000, `bridge ${id} in the inventory`);
    return running;
  }

  /**
   * An SDK client of the hub. `declares` and `answers` give it client capabilities and the
   * handlers of server-to-client requests; `era: '2026'` pins it to 2026-07-28 (sessionless).
   */
  async client(capabilities: { onResourceUpdated?: (uri: string) => void; onToolsChanged?: () => void; declares?: ClientCapabilities; answers?: (client: Client) => void; era?: '2025' | '2026' } = {}): Promise<Client> {
    const client = new Client(
      { name: 'bridge-test', version: '1.0.0' },
      { capabilities: capabilities.declares ?? {}, ...(capabilities.era === '2026' && { versionNegotiation: { mode: { pin: '2026-07-28' } } }) },
    );
    capabilities.answers?.(client);
    if (capabilities.onResourceUpdated) {
      const listener = capabilities.onResourceUpdated;
      client.setNotificationHandler('notifications/resources/updated', (n) => listener(n.params.uri));
    }
    if (capabilities.onToolsChanged) client.setNotificationHandler('notifications/tools/list_changed', capabilities.onToolsChanged);
    await client.connect(new StreamableHTTPClientTransport(new URL(this.url!)));
    this.clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const client of this.clients) await client.close().catch(() => undefined);
    await this.front?.close();
    for (const bridge of this.bridges) await bridge.stop();
    this.hub.stop();
    await this.bus.close();
  }
}

/** The text of a tool result's content blocks, joined. */
export function textOf(result: { content?: unknown }): string {
  return ((result.content ?? []) as Array<{ type: string; text?: string }>).map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}
