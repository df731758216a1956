import { demoTickets } from '../src/demo-data';
import type { NewTicket, TicketStore } from '../src/ticket-store';

/** A store for one test, and how to throw it away. */
export interface OpenedStore {
  store: TicketStore;
  dispose(): Promise<void>;
}

const ticket = (overrides: Partial<NewTicket> = {}): NewTicket => ({
  subject: 'Printer on fire',
  body: 'The office printer is on fire.',
  requester: 'cust@example.com',
  priority: 'normal',
  assignee: null,
  tags: [],
  ...overrides,
});

/**
 * The behaviour every TicketStore must have. Run against SQLite and PostgreSQL so that the
 * embedded mode behaves like the distributed one. (Their idempotency keys are checked by the
 * kit's `describeIdempotencyStoreBehaviour`, beside this suite.)
 */
export function describeTicketStoreBehaviour(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name} ticket store`, () => {
    let opened: OpenedStore;
    let store: TicketStore;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await opened.dispose();
    });

    it('creates an open ticket with timestamps and reads it back', async () => {
      const created = await store.createTicket(ticket({ tags: ['hardware', 'fire'], assignee: 'agent@example.com', priority: 'urgent' }));
      expect(created).toMatchObject({ status: 'open', priority: 'urgent', tags: ['hardware', 'fire'], assignee: 'agent@example.com' });
      expect(Date.parse(created.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(created.updatedAt).toBe(created.createdAt);
      expect(await store.getTicket(created.id)).toEqual(created);
      expect(await store.getTicket(created.id + 1000)).toBeUndefined();
    });

    it('filters a search by text, status, priority, assignee, unassigned, requester and tag', async () => {
      const a = await store.createTicket(ticket({ subject: 'VPN drops hourly', priority: 'high', assignee: 'ann@support.example', tags: ['network'] }));
      const b = await store.createTicket(ticket({ subject: 'Invoice wrong', body: 'The VPN line item is 100% off', requester: 'bob@example.com', tags: ['billing'] }));
      const c = await store.createTicket(ticket({ subject: 'Wi-Fi slow' }));
      await store.transitionTicket(c.id, 'open', 'in_progress');
      const ids = async (filter: Parameters<TicketStore['searchTickets']>[0]) => (await store.searchTickets(filter, { limit: 10 })).tickets.map((t) => t.id);
      expect(await ids({ text: 'vpn' })).toEqual([b.id, a.id]);
      expect(await ids({ text: '100%' })).toEqual([b.id]);
      expect(await ids({ text: '%' })).toEqual([b.id]);
      expect(await ids({ text: '_' })).toEqual([]);
      expect(await ids({ status: 'in_progress' })).toEqual([c.id]);
      expect(await ids({ priority: 'high' })).toEqual([a.id]);
      expect(await ids({ assignee: 'ann@support.example' })).toEqual([a.id]);
      expect(await ids({ unassigned: true })).toEqual([c.id, b.id]);
      expect(await ids({ requester: 'bob@example.com' })).toEqual([b.id]);
      expect(await ids({ tag: 'network' })).toEqual([a.id]);
      expect(await ids({ text: 'vpn', priority: 'normal' })).toEqual([b.id]);
    });

    it('pages newest first by id, with hasMore and no ticket twice', async () => {
      for (let i = 1; i <= 7; i++) await store.createTicket(ticket({ subject: `T${i}` }));
      const seen: string[] = [];
      let afterId: number | undefined;
      const pages: boolean[] = [];
      for (;;) {
        const page = await store.searchTickets({}, { afterId, limit: 3 });
        seen.push(...page.tickets.map((t) => t.subject));
        pages.push(page.hasMore);
        if (!page.hasMore) break;
        afterId = page.tickets.at(-1)!.id;
      }
      expect(seen).toEqual(['T7', 'T6', 'T5', 'T4', 'T3', 'T2', 'T1']);
      expect(pages).toEqual([true, true, false]);
    });

    it('updates only the given fields and moves updatedAt', async () => {
      const created = await store.createTicket(ticket({ tags: ['a'], createdAt: '2024-01-01T00:00:00.000Z' }));
      const updated = await store.updateTicket(created.id, { priority: 'low', tags: ['b', 'c'] });
      expect(updated).toMatchObject({ subject: created.subject, body: created.body, priority: 'low', tags: ['b', 'c'] });
      expect(updated!.updatedAt > created.updatedAt).toBe(true);
      expect(await store.updateTicket(created.id + 1000, { priority: 'low' })).toBeUndefined();
    });

    it('adds comments in order, counts them and touches the ticket', async () => {
      const created = await store.createTicket(ticket({ createdAt: '2024-01-01T00:00:00.000Z' }));
      const first = await store.addComment(created.id, { author: 'agent', body: 'Looking', visibility: 'internal' });
      await store.addComment(created.id, { author: 'cust', body: 'Thanks', visibility: 'public' });
      expect(first).toMatchObject({ ticketId: created.id, author: 'agent', body: 'Looking', visibility: 'internal' });
      const all = await store.listComments(created.id, 10);
      expect(all.total).toBe(2);
      expect(all.comments.map((c) => c.body)).toEqual(['Looking', 'Thanks']);
      expect(await store.listComments(created.id, 1)).toMatchObject({ total: 2, comments: [{ body: 'Looking' }] });
      expect((await store.getTicket(created.id))!.updatedAt > created.updatedAt).toBe(true);
      expect(await store.addComment(created.id + 1000, { author: 'a', body: 'b', visibility: 'public' })).toBeUndefined();
      expect(await store.listComments(created.id + 1000, 10)).toEqual({ comments: [], total: 0 });
    });

    it('transitions only from the expected status', async () => {
      const created = await store.createTicket(ticket());
      expect(await store.transitionTicket(created.id, 'in_progress', 'resolved')).toBeUndefined();
      expect(await store.transitionTicket(created.id, 'open', 'in_progress')).toMatchObject({ status: 'in_progress' });
      expect((await store.getTicket(created.id))!.status).toBe('in_progress');
      expect(await store.transitionTicket(created.id + 1000, 'open', 'in_progress')).toBeUndefined();
    });

    it('assigns and unassigns', async () => {
      const created = await store.createTicket(ticket());
      expect(await store.assignTicket(created.id, 'agent@example.com')).toMatchObject({ assignee: 'agent@example.com' });
      expect(await store.assignTicket(created.id, null)).toMatchObject({ assignee: null });
      expect(await store.assignTicket(created.id + 1000, 'x')).toBeUndefined();
    });

    it('completes ids from the most recently updated tickets', async () => {
      const made = [];
      for (let i = 0; i < 12; i++) made.push(await store.createTicket(ticket({ createdAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString() })));
      await store.assignTicket(made[0]!.id, 'someone');
      const all = await store.recentTicketIds('', 5);
      expect(all[0]).toBe(made[0]!.id);
      expect(all).toHaveLength(5);
      const prefix = String(made[10]!.id).slice(0, 1);
      const matching = await store.recentTicketIds(prefix, 50);
      expect(matching.length).toBeGreaterThan(0);
      expect(matching.every((id) => String(id).startsWith(prefix))).toBe(true);
      expect(await store.recentTicketIds("1' OR '1'='1", 5)).toEqual([]);
    });

    it('summarises the queue by status and priority with the oldest active tickets first', async () => {
      const old = await store.createTicket(ticket({ createdAt: '2024-01-01T00:00:00.000Z', priority: 'urgent' }));
      const newer = await store.createTicket(ticket({ createdAt: '2024-02-01T00:00:00.000Z' }));
      await store.createTicket(ticket({ createdAt: '2023-01-01T00:00:00.000Z', status: 'closed' }));
      await store.transitionTicket(newer.id, 'open', 'in_progress');
      const overview = await store.queueOverview(5);
      expect(overview.total).toBe(3);
      expect(overview.byStatus).toEqual({ open: 1, in_progress: 1, waiting_on_customer: 0, resolved: 0, closed: 1 });
      expect(overview.byPriority).toEqual({ low: 0, normal: 2, high: 0, urgent: 1 });
      expect(overview.oldestActive.map((t) => t.id)).toEqual([old.id, newer.id]);
    });

    it('seeds the demo queue only into an empty store, once even when asked concurrently', async () => {
      const results = await Promise.all([store.seedIfEmpty(demoTickets()), store.seedIfEmpty(demoTickets())]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.seedIfEmpty(demoTickets())).toBe(false);
      const overview = await store.queueOverview(100);
      expect(overview.total).toBe(demoTickets().length);
      expect(overview.total).toBeGreaterThanOrEqual(25);
      for (const status of ['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'] as const) expect(overview.byStatus[status]).toBeGreaterThan(0);
      const [first] = (await store.searchTickets({ text: 'SSO login spinner' }, { limit: 1 })).tickets;
      const { comments } = await store.listComments(first!.id, 10);
      expect(comments.map((c) => c.visibility)).toEqual(['internal', 'public', 'public']);
      expect(comments[0]!.createdAt > first!.createdAt).toBe(true);
    });

    it('refuses work when the signal has already aborted', async () => {
      const signal = AbortSignal.abort(new Error('cancelled by test'));
      await expect(store.getTicket(1, signal)).rejects.toThrow('cancelled by test');
      await expect(store.searchTickets({}, { limit: 1 }, signal)).rejects.toThrow('cancelled by test');
      await expect(store.createTicket(ticket(), signal)).rejects.toThrow('cancelled by test');
      expect((await store.queueOverview(1)).total).toBe(0);
    });
  });
}
