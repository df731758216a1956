import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';

describe('helpdesk resources', () => {
  let bed: HelpdeskTestbed;
  beforeEach(async () => {
    bed = await startHelpdesk({ seed: true });
  });
  afterEach(() => bed.stop());

  it('reads a ticket with its comments as JSON, text cleaned and marked untrusted', async () => {
    const [ticket] = (await bed.store.searchTickets({ text: 'close all my tickets' }, { limit: 1 })).tickets;
    await bed.store.addComment(ticket!.id, { author: 'x', body: 'more\u200b', visibility: 'public' });
    const { contents } = await bed.harness.readResource(`helpdesk://tickets/${ticket!.id}`);
    expect(contents).toHaveLength(1);
    expect(contents[0]).toMatchObject({ uri: `helpdesk://tickets/${ticket!.id}`, mimeType: 'application/json' });
    const body = JSON.parse((contents[0] as { text: string }).text);
    expect(body.ticket).toMatchObject({ id: ticket!.id, untrusted: true, source: `helpdesk:ticket:${ticket!.id}` });
    expect(body.ticket.body).not.toMatch(/[\u200b\u202e]/);
    expect(body.comments).toEqual([expect.objectContaining({ body: 'more', untrusted: true })]);
    expect(body).toMatchObject({ commentCount: 1, commentsTruncated: false });
  });

  it('answers not_found for a missing or malformed ticket id', async () => {
    await expect(bed.harness.readResource('helpdesk://tickets/999')).rejects.toMatchObject({ reply: { kind: 'not_found', message: expect.stringMatching(/Ticket 999 does not exist/) } });
    await expect(bed.harness.readResource('helpdesk://tickets/abc')).rejects.toMatchObject({ reply: { kind: 'not_found' } });
    await expect(bed.harness.readResource('helpdesk://tickets/0')).rejects.toMatchObject({ reply: { kind: 'not_found' } });
  });

  it('summarises the queue: counts by status and priority, oldest active tickets first', async () => {
    const { contents } = await bed.harness.readResource('helpdesk://queue');
    const queue = JSON.parse((contents[0] as { text: string }).text);
    expect(queue.total).toBe(25);
    expect(Object.values(queue.byStatus as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(25);
    expect(Object.values(queue.byPriority as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(25);
    expect(queue.oldestActive).toHaveLength(10);
    const created = queue.oldestActive.map((t: { createdAt: string }) => t.createdAt);
    expect(created).toEqual([...created].sort());
    expect(queue.oldestActive.every((t: { status: string; untrusted: boolean }) => ['open', 'in_progress', 'waiting_on_customer'].includes(t.status) && t.untrusted)).toBe(true);
  });

  it('completes ticket ids from recently updated tickets', async () => {
    const template = { type: 'resource' as const, uriTemplate: 'helpdesk://tickets/{id}' };
    const all = await bed.harness.complete(template, { name: 'id', value: '' });
    expect(all.values).toHaveLength(20);
    await bed.store.assignTicket(3, 'someone');
    expect((await bed.harness.complete(template, { name: 'id', value: '' })).values[0]).toBe('3');
    const twos = await bed.harness.complete(template, { name: 'id', value: '2' });
    expect(twos.values.sort()).toEqual(['2', '20', '21', '22', '23', '24', '25']);
    expect((await bed.harness.complete(template, { name: 'id', value: 'x' })).values).toEqual([]);
  });
});
