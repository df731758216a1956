import { z } from 'zod';
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import { ResourceUpdatedSchema, Subjects, decode } from '@mcp-hub/connector-contract';
import { defineConnectorModule } from './connector-module';
import { startConnector } from './start-connector';
import { createEchoConnector, type EchoDeps } from './testing';

describe('startConnector', () => {
  it("starts the module's watch once the replica serves, and stops it through close", async () => {
    const bus = new InProcessBus();
    const updates: string[] = [];
    bus.subscribe(new Subjects().resourceUpdated('echo'), (message) => updates.push(decode(ResourceUpdatedSchema, message.data).uri));
    const events: string[] = [];
    let announce: ((uri: string) => void) | undefined;
    const module = defineConnectorModule<Record<string, never>, EchoDeps>({
      id: 'echo',
      configSchema: z.strictObject({}),
      fromEnv: () => ({}),
      embeddedConfig: () => ({}),
      create: async () => ({
        connector: createEchoConnector(),
        deps: { aborted: [] },
        watch: (resourceUpdated) => {
          events.push('watch');
          announce = resourceUpdated;
        },
        close: async () => void events.push('close'),
      }),
    });
    const running = await startConnector(module, { sources: { embedded: false, dataDir: '/tmp', env: {} }, bus, logger: pino({ level: 'silent' }) });
    expect(events).toEqual(['watch']);
    announce!('echo://things/1');
    await bus.flush();
    expect(updates).toEqual(['echo://things/1']);
    await running.stop();
    expect(events).toEqual(['watch', 'close']);
    await bus.close();
  });
});
