import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeTicketStoreBehaviour } from '../test/store-behaviour';
import { SqliteTicketStore } from './sqlite-ticket-store';

describeTicketStoreBehaviour('SQLite', async () => {
  const store = SqliteTicketStore.open(':memory:');
  return { store, dispose: () => store.close() };
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
