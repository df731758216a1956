import pino from 'pino';
import { z } from 'zod';
import { InProcessBus } from '@mcp-hub/bus';
import { ResourceUpdatedSchema, Subjects, decode } from '@mcp-hub/connector-contract';
import { defineConnectorModule, type ResourceUpdates } from './connector-module';
import { createEchoConnector, type EchoDeps } from './testing';
import { startConnector } from './start-connector';

const silent = pino({ level: 'silent' });

describe('startConnector and a module that watches its upstream', () => {
  it('starts the watch once the replica serves; its updates reach the hubs until the replica stops', async () => {
    const bus = new InProcessBus();
    const updates: string[] = [];
    bus.subscribe(new Subjects().resourceUpdated('echo'), (m) => updates.push(decode(ResourceUpdatedSchema, m.data).uri));
    let watcher: ResourceUpdates | undefined;
    let closed = false;
    const module = defineConnectorModule<Record<string, never>, EchoDeps>({
      id: 'echo',
      configSchema: z.strictObject({}),
      fromEnv: () => ({}),
      embeddedConfig: () => ({}),
      create: async () => ({
        connector: createEchoConnector(),
        deps: { aborted: [] },
        watch: (given) => void (watcher = given),
        close: async () => void (closed = true),
      }),
    });
    const running = await startConnector(module, { sources: { embedded: false, dataDir: '/nonexistent', env: {} }, bus, logger: silent });
    expect(watcher).toBeDefined();
    watcher!.resourceUpdated('echo://things/1');
    await bus.flush();
    expect(updates).toEqual(['echo://things/1']);
    await running.stop();
    expect(closed).toBe(true);
    watcher!.resourceUpdated('echo://things/2');
    await bus.flush();
    expect(updates).toEqual(['echo://things/1']);
    await bus.close();
  });
});
