import { z } from 'zod';
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { ResourceUpdatedSchema, Subjects, decode } from '@mcp-hub/connector-contract';
import { defineConnector } from './define-connector';
import { defineConnectorModule, type ResourceUpdatePublisher } from './connector-module';
import { defineResourceTemplate } from './define-resource';
import { startConnector } from './start-connector';

describe('start connector', () => {
  it('attaches the module to its replica so it can announce changes made outside any call, until the replica stops', async () => {
    const bus = new InProcessBus();
    const announced: string[] = [];
    bus.subscribe(new Subjects().resourceUpdated('feed'), (message) => announced.push(decode(ResourceUpdatedSchema, message.data).uri));
    let replica: ResourceUpdatePublisher | undefined;
    const connector = defineConnector({
      id: 'feed',
      version: '0.0.1',
      tools: [],
      resourceTemplates: [defineResourceTemplate({ uriTemplate: 'feed://items/{id}', name: 'item', read: async () => [] })],
    });
    const module = defineConnectorModule({
      id: 'feed',
      configSchema: z.strictObject({}),
      fromEnv: () => ({}),
      embeddedConfig: () => ({}),
      create: async () => ({ connector, deps: {}, close: async () => undefined, attach: (r: ResourceUpdatePublisher) => void (replica = r) }),
    });
    const running = await startConnector(module, { sources: { embedded: false, dataDir: '.', env: {} }, bus, logger: pino({ level: 'silent' }) });
    expect(replica).toBeDefined();
    replica!.resourceUpdated('feed://items/1');
    await bus.flush();
    expect(announced).toEqual(['feed://items/1']);
    await running.stop();
    replica!.resourceUpdated('feed://items/2');
    await bus.flush();
    expect(announced).toEqual(['feed://items/1']);
    await bus.close();
  });
});
