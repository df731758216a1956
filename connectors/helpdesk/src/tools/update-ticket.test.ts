import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';
import type { TicketDetail } from '../ticket-view';

describe('update_ticket', () => {
  let bed: HelpdeskTestbed;
  let id: number;
  beforeEach(async () => {
    bed = await startHelpdesk();
    id = (await bed.store.createTicket({ subject: 'Old', body: 'Old body', requester: 'r@example.com', priority: 'low', assignee: null, tags: ['a'] })).id;
  });
  afterEach(() => bed.stop());

  it('replaces the given fields and reports which changed', async () => {
    const result = await bed.call<{ ticket: TicketDetail; changed: string[] }>('update_ticket', { id, subject: 'New', priority: 'low', tags: ['b', 'c'] });
    expect(result.ticket).toMatchObject({ subject: 'New', body: 'Old body', priority: 'low', tags: ['b', 'c'] });
    expect(result.changed).toEqual(['subject', 'tags']);
    expect(bed.updates).toEqual([`helpdesk://tickets/${id}`, 'helpdesk://queue']);
  });

  it('needs at least one field to change', async () => {
    expect(await bed.fail('update_ticket', { id })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/at least one of subject, body, priority, tags/) });
  });

  it('answers not_found for a missing ticket', async () => {
    expect(await bed.fail('update_ticket', { id: id + 100, subject: 'x' })).toMatchObject({ kind: 'not_found', message: expect.stringMatching(new RegExp(`Ticket ${id + 100} does not exist`)) });
  });

  it('refuses to edit a closed ticket until it is reopened', async () => {
    await bed.store.transitionTicket(id, 'open', 'closed');
    expect(await bed.fail('update_ticket', { id, subject: 'x' })).toMatchObject({ kind: 'conflict', message: expect.stringMatching(/closed.*transition_ticket/) });
  });

  it('returns the first result to a repeat with the same idempotency key', async () => {
    const first = await bed.call('update_ticket', { id, body: 'Second body', idempotency_key: 'u-1' });
    await bed.store.updateTicket(id, { body: 'Changed meanwhile' });
    const repeat = await bed.call('update_ticket', { id, body: 'Second body', idempotency_key: 'u-1' });
    expect(repeat).toEqual(first);
    expect((await bed.store.getTicket(id))!.body).toBe('Changed meanwhile');
  });
});
