import { TicketStatusSchema, type TicketStatus } from '../ticket';
import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';
import { isLegalTransition, nextStatuses } from '../ticket-workflow';

describe('transition_ticket', () => {
  let bed: HelpdeskTestbed;
  let id: number;
  beforeEach(async () => {
    bed = await startHelpdesk();
    id = (await bed.createTicket()).id;
  });
  afterEach(() => bed.stop());

  it('walks the whole workflow: work, wait, resolve, close, reopen', async () => {
    const path: TicketStatus[] = ['in_progress', 'waiting_on_customer', 'in_progress', 'resolved', 'open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed', 'open'];
    let from: TicketStatus = 'open';
    for (const to of path) {
      const result = await bed.call('transition_ticket', { id, status: to });
      expect(result).toMatchObject({ from, to, ticket: { status: to }, nextStatuses: [...nextStatuses(to)] });
      from = to;
    }
    expect(bed.updates).toHaveLength(path.length * 2);
  });

  it('refuses every illegal move with a conflict that lists the legal next statuses', async () => {
    const statuses = TicketStatusSchema.options;
    for (const from of statuses) {
      for (const to of statuses) {
        if (isLegalTransition(from, to)) continue;
        const ticket = await bed.createTicket({ requester: 'r', status: from });
        const error = await bed.fail('transition_ticket', { id: ticket.id, status: to });
        expect(error.kind).toBe('conflict');
        expect(error.message).toContain(`Legal next statuses: ${nextStatuses(from).join(', ')}.`);
        expect(error.message).toContain(from === to ? `is already ${to}` : `is ${from} and cannot move to ${to}`);
        expect((await bed.store.getTicket(ticket.id))!.status).toBe(from);
      }
    }
  });

  it('answers not_found and refuses an unknown status', async () => {
    expect(await bed.fail('transition_ticket', { id: id + 1, status: 'in_progress' })).toMatchObject({ kind: 'not_found' });
    expect(await bed.fail('transition_ticket', { id, status: 'done' })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/status/) });
  });

  it('replays a repeat with the same key, and frees the key of a refused move so a later retry acts', async () => {
    expect(await bed.fail('transition_ticket', { id, status: 'resolved', idempotency_key: 't-1' })).toMatchObject({ kind: 'conflict' });
    await bed.call('transition_ticket', { id, status: 'in_progress' });
    const resolved = await bed.call('transition_ticket', { id, status: 'resolved', idempotency_key: 't-1' });
    expect(resolved).toMatchObject({ from: 'in_progress', to: 'resolved' });
    expect(await bed.call('transition_ticket', { id, status: 'resolved', idempotency_key: 't-1' })).toEqual(resolved);
  });
});
