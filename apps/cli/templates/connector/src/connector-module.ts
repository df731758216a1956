import { defineConnectorModule, InMemoryIdempotencyStore } from '@mcp-hub/connector-kit';
import { ConfigSchema, configFromEnv, type Config } from './config';
import { connector } from './connector';
import { NoteStore, type Deps } from './note-store';

/**
 * What the hub loads (`connectors.{{id}}.module` names this package) and what `src/main.ts` runs.
 * `create` opens the clients the handlers need; the kit applies write mode, toolsets, allow and deny.
 */
export const connectorModule = defineConnectorModule<Config, Deps>({
  id: '{{id}}',
  configSchema: ConfigSchema,
  fromEnv: configFromEnv,
  // The embedded mode (`npm start`) shows the write tool too.
  embeddedConfig: () => ({ writeMode: true }),
  async create(config) {
    const deps: Deps = { notes: new NoteStore(config.maxNotes), idempotency: new InMemoryIdempotencyStore() };
    return { connector, deps, close: async () => undefined };
  },
});
