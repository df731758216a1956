import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';
import type { TicketSummary } from '../ticket-view';

interface SearchResult {
  tickets: TicketSummary[];
  hasMore: boolean;
  nextCursor?: string;
  truncated: boolean;
  hint?: string;
}

describe('search_tickets', () => {
  let bed: HelpdeskTestbed;
  beforeEach(async () => {
    bed = await startHelpdesk({ seed: true, pageSize: 5 });
  });
  afterEach(() => bed.stop());

  it('returns summaries newest first, each marked untrusted with its source', async () => {
    const result = await bed.call<SearchResult>('search_tickets', { status: 'closed' });
    expect(result.tickets.length).toBeGreaterThan(0);
    expect(result.tickets.every((t) => t.status === 'closed')).toBe(true);
    const ids = result.tickets.map((t) => t.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    for (const t of result.tickets) expect(t).toMatchObject({ untrusted: true, source: `helpdesk:ticket:${t.id}`, uri: `helpdesk://tickets/${t.id}` });
    expect(result).toMatchObject({ hasMore: false, truncated: false });
    expect(result.nextCursor).toBeUndefined();
  });

  it('walks every ticket with nextCursor in pages of the configured size, saying honestly when more remain', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: SearchResult = await bed.call<SearchResult>('search_tickets', cursor ? { cursor } : {});
      pages++;
      seen.push(...page.tickets.map((t) => t.id));
      expect(page.truncated).toBe(page.hasMore);
      expect(page.nextCursor !== undefined).toBe(page.hasMore);
      if (page.hasMore) {
        expect(page.tickets).toHaveLength(5);
        expect(page.hint).toMatch(/nextCursor/);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(25);
  });

  it('takes a page size up to the hard cap of 100 and refuses more', async () => {
    expect((await bed.call<SearchResult>('search_tickets', { limit: 100 })).tickets).toHaveLength(25);
    const error = await bed.fail('search_tickets', { limit: 101 });
    expect(error).toMatchObject({ kind: 'invalid_arguments' });
    expect(error.message).toMatch(/limit/);
  });

  it('combines text and filters', async () => {
    const login = await bed.call<SearchResult>('search_tickets', { query: 'LOG IN' });
    expect(login.tickets.map((t) => t.subject)).toEqual(['Cannot log in after password reset']);
    const mine = await bed.call<SearchResult>('search_tickets', { assignee: 'maya.chen@support.example.com', priority: 'high', limit: 50 });
    expect(mine.tickets.length).toBeGreaterThan(0);
    expect(mine.tickets.every((t) => t.assignee === 'maya.chen@support.example.com' && t.priority === 'high')).toBe(true);
    const unassigned = await bed.call<SearchResult>('search_tickets', { unassigned: true, limit: 50 });
    expect(unassigned.tickets.every((t) => t.assignee === null)).toBe(true);
    const byTag = await bed.call<SearchResult>('search_tickets', { tag: 'billing', requester: 'accounts@bluepeak.example' });
    expect(byTag.tickets).toHaveLength(1);
    const none = await bed.harness.callTool('search_tickets', { query: 'no such words anywhere' });
    expect(none.content[0]).toMatchObject({ type: 'text', text: 'No tickets match.' });
  });

  it('refuses a forged cursor and a cursor made for other filters', async () => {
    const first = await bed.call<SearchResult>('search_tickets', { status: 'open' });
    expect(first.nextCursor).toBeDefined();
    expect(await bed.fail('search_tickets', { status: 'closed', cursor: first.nextCursor })).toMatchObject({
      kind: 'invalid_arguments',
      message: expect.stringMatching(/other filters/),
    });
    expect(await bed.fail('search_tickets', { cursor: 'not-a-cursor' })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/cursor/) });
    const next = await bed.call<SearchResult>('search_tickets', { status: 'open', cursor: first.nextCursor });
    expect(next.tickets.every((t) => t.status === 'open' && t.id < first.tickets.at(-1)!.id)).toBe(true);
  });

  it('refuses unknown and malformed arguments, naming them', async () => {
    expect(await bed.fail('search_tickets', { stauts: 'open' })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/stauts/) });
    expect(await bed.fail('search_tickets', { status: 'pending' })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/status/) });
  });

  it('gives a short text form, one line per ticket', async () => {
    const result = await bed.harness.callTool('search_tickets', { query: 'webhooks' });
    expect(result.content[0]).toMatchObject({ type: 'text' });
    expect((result.content[0] as { text: string }).text).toMatch(/^1 ticket:\n#\d+ \[open, urgent\] "Webhooks stopped firing" — from platform@woodgrove.example, unassigned$/);
  });
});
