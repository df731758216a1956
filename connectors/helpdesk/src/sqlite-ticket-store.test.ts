import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeIdempotencyStoreBehaviour } from '@mcp-hub/connector-kit/testing';
import { describeTicketStoreBehaviour } from '../test/store-behaviour';
import { SqliteTicketStore } from './sqlite-ticket-store';

describeTicketStoreBehaviour('SQLite', async () => {
  const store = SqliteTicketStore.open(':memory:');
  return { store, dispose: () => store.close() };
});

// Two stores on one file, as two replicas of the embedded mode's store would be.
describeIdempotencyStoreBehaviour('SQLite ticket store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'helpdesk-keys-'));
  const first = SqliteTicketStore.open(join(dir, 'helpdesk.sqlite'));
  const second = SqliteTicketStore.open(join(dir, 'helpdesk.sqlite'));
  return {
    first,
    second,
    close: async () => {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite ticket store file', () => {
  it('keeps tickets in the file across reopening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'helpdesk-'));
    try {
      const path = join(dir, 'helpdesk.sqlite');
      const first = SqliteTicketStore.open(path);
      const created = await first.createTicket({ subject: 's', body: 'b', requester: 'r', priority: 'low', assignee: null, tags: ['x'] });
      await first.close();
      const second = SqliteTicketStore.open(path);
      expect(await second.getTicket(created.id)).toEqual(created);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
