import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';
import type { TicketDetail } from '../ticket-view';

describe('assign_ticket', () => {
  let bed: HelpdeskTestbed;
  let id: number;
  beforeEach(async () => {
    bed = await startHelpdesk();
    id = (await bed.createTicket()).id;
  });
  afterEach(() => bed.stop());

  it('assigns, reassigns and unassigns, reporting the previous assignee', async () => {
    expect(await bed.call('assign_ticket', { id, assignee: 'ann@support.example' })).toMatchObject({ ticket: { assignee: 'ann@support.example' }, previousAssignee: null });
    expect(await bed.call('assign_ticket', { id, assignee: 'bob@support.example' })).toMatchObject({ previousAssignee: 'ann@support.example' });
    const cleared = await bed.call<{ ticket: TicketDetail }>('assign_ticket', { id, assignee: null });
    expect(cleared.ticket.assignee).toBeNull();
    expect(bed.updates.filter((u) => u === 'helpdesk://queue')).toHaveLength(3);
  });

  it('answers not_found, refuses closed tickets and malformed assignees', async () => {
    expect(await bed.fail('assign_ticket', { id: id + 1, assignee: 'a' })).toMatchObject({ kind: 'not_found' });
    expect(await bed.fail('assign_ticket', { id })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/assignee/) });
    expect(await bed.fail('assign_ticket', { id, assignee: 'ann\u200b' })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/assignee/) });
    await bed.store.transitionTicket(id, 'open', 'closed');
    expect(await bed.fail('assign_ticket', { id, assignee: 'ann' })).toMatchObject({ kind: 'conflict' });
  });

  it('returns the first result to a repeat with the same idempotency key', async () => {
    const first = await bed.call('assign_ticket', { id, assignee: 'ann', idempotency_key: 'a-1' });
    expect(await bed.call('assign_ticket', { id, assignee: 'ann', idempotency_key: 'a-1' })).toEqual(first);
  });
});
