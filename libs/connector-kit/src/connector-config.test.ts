import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import pino from 'pino';
import { InProcessBus, type Bus } from '@mcp-hub/bus';
import { ReplySchema, Subjects, decode, encode } from '@mcp-hub/connector-contract';
import { defineConnector } from './define-connector';
import { defineConnectorModule } from './connector-module';
import { defineTool } from './define-tool';
import { buildConnector, resolveConnectorConfig } from './connector-config';
import { Redactor } from './redactor';
import { ToolError } from './tool-error';
import { ConnectorHarness, ConnectorReplyError } from './testing';
import { runConnector } from './connector-service';

const SECRET = 'tok-1234-very-secret';

const connector = defineConnector<{ token: string }>({
  id: 'acme',
  version: '1.0.0',
  toolsets: {
    items: [
      defineTool({
        name: 'get_item',
        description: 'Reads an item.',
        input: z.object({}),
        output: z.object({}),
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
        // An upstream that echoes the credential in its error, as some do.
        handler: async (_args, _ctx, deps) => {
          throw new ToolError('upstream', `upstream said: no account for ${deps.token}`);
        },
      }),
    ],
  },
});

const acmeModule = defineConnectorModule({
  id: 'acme',
  configSchema: z.strictObject({ token: z.string() }),
  fromEnv: (env) => ({ token: env.ACME_TOKEN }),
  embeddedConfig: () => ({}),
  create: async (config: { token: string }) => ({ connector, deps: { token: config.token }, secrets: [config.token], close: async () => undefined }),
});

describe('connector configuration and secrets', () => {
  it('layers file, kit env and module env, and parses the kit keys apart', () => {
    const { settings, exposure } = resolveConnectorConfig(acmeModule, {
      embedded: false,
      dataDir: '/x',
      fromFile: { token: 'from-file', tools: { deny: ['get_item'] } },
      env: { ACME_TOKEN: 'from-env', ACME_WRITE_MODE: 'true', ACME_TOOLSETS: 'items' },
    });
    expect(settings).toEqual({ token: 'from-env' });
    expect(exposure).toEqual({ writeMode: true, toolsets: ['items'], tools: { deny: ['get_item'] } });
  });

  it('names the bad key under connectors.<id>', () => {
    expect(() => resolveConnectorConfig(acmeModule, { embedded: false, dataDir: '/x', fromFile: { token: 1, writeMode: 'yes' }, env: {} })).toThrow(
      /connectors\.acme\.token: .*\n {2}connectors\.acme\.writeMode: /,
    );
  });

  it("registers the connector's secrets with the process's redactor, and error replies are masked with it", async () => {
    const redactor = new Redactor();
    const built = await buildConnector(acmeModule, { embedded: false, dataDir: '/x', env: { ACME_TOKEN: SECRET }, redactor }, pino({ level: 'silent' }));
    expect(redactor.redact(`x ${SECRET} y`)).toBe(`x ${Redactor.MASK} y`);
    const harness = await ConnectorHarness.start(built.connector, built.deps);
    // The harness runs without the redactor: the secret would leave in the error reply.
    const leaked: ConnectorReplyError = await harness.callTool('get_item', {}).catch((e) => e);
    expect(leaked.reply.message).toContain(SECRET);
    await harness.stop();
    const bus = new InProcessBus();
    const service = await runConnector(built.connector, { bus, deps: built.deps, redactor });
    const masked = await callThrough(bus);
    expect(masked).not.toContain(SECRET);
    expect(masked).toContain(Redactor.MASK);
    await service.stop();
    await bus.close();
  });
});

async function callThrough(bus: Bus): Promise<string> {
  const request = { invocationId: randomUUID(), deadline: Date.now() + 5000, principal: { id: 'p', scopes: [] }, tool: 'get_item', arguments: {} };
  const reply = decode(ReplySchema, (await bus.request(new Subjects().invoke('acme', 'get_item'), encode(request), { timeoutMs: 5000 })).data);
  return reply.status === 'error' ? reply.message : JSON.stringify(reply);
}
