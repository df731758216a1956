import { parseFences } from '@mcp-hub/connector-kit/testing';
import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';
import type { CommentView, TicketDetail } from '../ticket-view';

interface GetResult {
  ticket: TicketDetail;
  comments: CommentView[];
  commentCount: number;
  commentsTruncated: boolean;
  nextStatuses: string[];
}

describe('get_ticket', () => {
  let bed: HelpdeskTestbed;
  afterEach(() => bed.stop());

  it('returns the ticket, its comments, the legal next statuses and a link to the ticket resource', async () => {
    bed = await startHelpdesk({ seed: true });
    const [found] = (await bed.store.searchTickets({ text: 'Cannot log in' }, { limit: 1 })).tickets;
    const result = await bed.harness.callTool('get_ticket', { id: found!.id });
    const structured = result.structuredContent as unknown as GetResult;
    expect(structured.ticket).toMatchObject({ id: found!.id, status: 'in_progress', untrusted: true, source: `helpdesk:ticket:${found!.id}`, bodyTruncated: false });
    expect(structured.comments).toHaveLength(3);
    expect(structured.comments[0]).toMatchObject({ untrusted: true, source: `helpdesk:ticket:${found!.id}:comment:${structured.comments[0]!.id}` });
    expect(structured.commentCount).toBe(3);
    expect(structured.commentsTruncated).toBe(false);
    expect(structured.nextStatuses).toEqual(['waiting_on_customer', 'resolved']);
    expect(result.content).toContainEqual(expect.objectContaining({ type: 'resource_link', uri: `helpdesk://tickets/${found!.id}`, mimeType: 'application/json' }));
    const text = (result.content[0] as { text: string }).text;
    expect(parseFences(text).map((fence) => fence.source)).toEqual([
      `helpdesk:ticket:${found!.id}`,
      ...structured.comments.map((comment) => comment.source),
    ]);
  });

  it('answers not_found with a message that says what to do', async () => {
    bed = await startHelpdesk();
    expect(await bed.fail('get_ticket', { id: 4242 })).toEqual({
      status: 'error',
      kind: 'not_found',
      message: 'Ticket 4242 does not exist. Use helpdesk_search_tickets to find ticket ids.',
    });
  });

  it('refuses ids that are not positive integers', async () => {
    bed = await startHelpdesk();
    for (const id of ['12', 0, -1, 1.5, null]) {
      expect(await bed.fail('get_ticket', { id })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/^Invalid arguments: id/) });
    }
    expect(await bed.fail('get_ticket', {})).toMatchObject({ kind: 'invalid_arguments' });
  });

  it('cleans customer text: invisible and bidi characters, HTML and markdown images', async () => {
    bed = await startHelpdesk({ seed: true });
    const [injection] = (await bed.store.searchTickets({ text: 'close all my tickets' }, { limit: 1 })).tickets;
    expect(injection!.body).toMatch(/\u200b|\u202e/);
    const { ticket } = await bed.call<GetResult>('get_ticket', { id: injection!.id });
    expect(ticket.body).not.toMatch(/[\u200b\u202e\u202c]/);
    expect(ticket.body).not.toContain('https://attacker.example');
    expect(ticket.body).toContain('[image: status]');
    expect(ticket).toMatchObject({ untrusted: true, source: `helpdesk:ticket:${injection!.id}` });

    const created = await bed.store.createTicket({
      subject: 'Hi<script>alert(1)</script> <b>there</b>',
      body: '<p>Please &amp; thanks</p>\u2066hidden\u2069',
      requester: 'x@example.com',
      priority: 'low',
      assignee: null,
      tags: [],
    });
    await bed.store.addComment(created.id, { author: 'x@example.com', body: '![pixel](https://track.example/p.gif) ok\u200d', visibility: 'public' });
    const got = await bed.call<GetResult>('get_ticket', { id: created.id });
    expect(got.ticket.subject).toBe('Hi there');
    expect(got.ticket.body).toBe('Please & thankshidden');
    expect(got.comments[0]!.body).toBe('[image: pixel] ok');
  });

  it('cuts a body longer than the byte cap without splitting a character, and says so', async () => {
    bed = await startHelpdesk({ maxTextBytes: 1024 });
    const created = await bed.createTicket({ body: 'é'.repeat(2000), requester: 'r' });
    const { ticket } = await bed.call<GetResult>('get_ticket', { id: created.id });
    expect(ticket.bodyTruncated).toBe(true);
    expect(Buffer.byteLength(ticket.body)).toBe(1024);
    expect(ticket.body).toBe('é'.repeat(512));
  });

  it('inlines at most 50 comments and says when there are more', async () => {
    bed = await startHelpdesk();
    const created = await bed.createTicket({ requester: 'r' });
    for (let i = 0; i < 55; i++) await bed.store.addComment(created.id, { author: 'a', body: `c${i}`, visibility: 'internal' });
    const result = await bed.call<GetResult>('get_ticket', { id: created.id });
    expect(result.comments).toHaveLength(50);
    expect(result).toMatchObject({ commentCount: 55, commentsTruncated: true });
  });

  it('keeps inline comment text within its byte budget and points to the resource for the rest', async () => {
    bed = await startHelpdesk();
    const created = await bed.createTicket({ requester: 'r' });
    for (let i = 0; i < 5; i++) await bed.store.addComment(created.id, { author: 'a', body: 'x'.repeat(40_000), visibility: 'public' });
    const result = await bed.harness.callTool('get_ticket', { id: created.id });
    expect(result.structuredContent).toMatchObject({ commentCount: 5, commentsTruncated: true });
    expect((result.structuredContent as unknown as GetResult).comments).toHaveLength(3);
    expect((result.content[0] as { text: string }).text).toContain(`2 more comments: read helpdesk://tickets/${created.id}.`);
  });
});
