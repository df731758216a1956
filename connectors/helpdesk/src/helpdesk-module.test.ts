import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ConnectorHarness } from '@mcp-hub/connector-kit/testing';
import { helpdeskModule } from './index';

const quiet = pino({ level: 'silent' });

describe('helpdesk module', () => {
  it('is the helpdesk connector', () => {
    expect(helpdeskModule.id).toBe('helpdesk');
  });

  it('builds a read-only connector by default over an empty store', async () => {
    const built = await helpdeskModule.create(helpdeskModule.configSchema.parse({ store: { kind: 'sqlite', path: ':memory:' } }), quiet);
    try {
      expect([...built.connector.tools.keys()]).toEqual(['search_tickets', 'get_ticket']);
      expect((await built.deps.store.queueOverview(1)).total).toBe(0);
      expect(built.deps).toMatchObject({ pageSize: 20, maxTextBytes: 65_536 });
    } finally {
      await built.close();
    }
  });

  it('runs embedded: a SQLite file under the data directory, seeded once, with write tools', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-module-'));
    try {
      const config = helpdeskModule.configSchema.parse({ ...helpdeskModule.embeddedConfig(dir), ...helpdeskModule.fromEnv({}) });
      const built = await helpdeskModule.create(config, quiet);
      const harness = await ConnectorHarness.start(built.connector, built.deps);
      const created = await harness.callTool('create_ticket', { subject: 'New', body: 'Body', requester: 'r@example.com' });
      expect(created.structuredContent).toMatchObject({ ticket: { id: 26 } });
      await harness.stop();
      await built.close();

      const again = await helpdeskModule.create(config, quiet);
      expect((await again.deps.store.queueOverview(1)).total).toBe(26);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies the tool filter from configuration', async () => {
    const config = helpdeskModule.configSchema.parse({ store: { kind: 'sqlite', path: ':memory:' }, writeMode: true, toolsets: ['tickets'], tools: { deny: ['update_ticket'] } });
    const built = await helpdeskModule.create(config, quiet);
    expect([...built.connector.tools.keys()]).toEqual(['search_tickets', 'get_ticket', 'create_ticket']);
    await built.close();
  });
});
