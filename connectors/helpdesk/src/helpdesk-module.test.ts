import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildConnector } from '@mcp-hub/connector-kit';
import { ConnectorHarness } from '@mcp-hub/connector-kit/testing';
import { helpdeskModule } from './index';

const quiet = pino({ level: 'silent' });

describe('helpdesk module', () => {
  it('builds a read-only connector by default over an empty store', async () => {
    const built = await buildConnector(helpdeskModule, { embedded: false, dataDir: '/unused', fromFile: { store: { kind: 'sqlite', path: ':memory:' } }, env: {} }, quiet);
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
      const sources = { embedded: true, dataDir: dir, env: {} };
      const built = await buildConnector(helpdeskModule, sources, quiet);
      const harness = await ConnectorHarness.start(built.connector, built.deps);
      const created = await harness.callTool('create_ticket', { subject: 'New', body: 'Body', requester: 'r@example.com' });
      expect(created.structuredContent).toMatchObject({ ticket: { id: 26 } });
      await harness.stop();
      await built.close();

      const again = await buildConnector(helpdeskModule, sources, quiet);
      expect((await again.deps.store.queueOverview(1)).total).toBe(26);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies the tool filter from configuration', async () => {
    const fromFile = { store: { kind: 'sqlite', path: ':memory:' }, toolsets: ['tickets'], tools: { deny: ['update_ticket'] } };
    const built = await buildConnector(helpdeskModule, { embedded: false, dataDir: '/unused', fromFile, env: { HELPDESK_WRITE_MODE: 'true' } }, quiet);
    expect([...built.connector.tools.keys()]).toEqual(['search_tickets', 'get_ticket', 'create_ticket']);
    await built.close();
  });

  it('stops on an unknown toolset or tool name, naming the known ones', async () => {
    const fromFile = { store: { kind: 'sqlite', path: ':memory:' }, tools: { deny: ['delete_ticket'] } };
    await expect(buildConnector(helpdeskModule, { embedded: false, dataDir: '/unused', fromFile, env: {} }, quiet)).rejects.toThrow(
      /connector helpdesk has no tool "delete_ticket"; its tools: search_tickets, get_ticket, create_ticket/,
    );
  });
});
