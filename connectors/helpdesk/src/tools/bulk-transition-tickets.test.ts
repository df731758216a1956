import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';
import { MAX_BULK_TICKETS } from './bulk-transition-tickets';

describe('bulk_transition_tickets', () => {
  let bed: HelpdeskTestbed;
  beforeEach(async () => {
    bed = await startHelpdesk();
  });
  afterEach(() => bed.stop());

  it('moves every ticket it can, reports the others, and counts progress per ticket', async () => {
    const open = await bed.createTicket();
    const working = await bed.createTicket({ status: 'in_progress' });
    const closed = await bed.createTicket({ status: 'closed' });
    const missing = closed.id + 100;
    const outcome = await bed.harness.callToolOutcome('bulk_transition_tickets', { ids: [open.id, working.id, closed.id, missing], status: 'in_progress' }, { progress: true });
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(outcome.result.structuredContent).toEqual({
      status: 'in_progress',
      moved: 1,
      unchanged: 1,
      failed: 2,
      items: [
        { id: open.id, outcome: 'moved', from: 'open' },
        { id: working.id, outcome: 'unchanged', from: 'in_progress' },
        { id: closed.id, outcome: 'refused', from: 'closed', message: 'closed cannot move to in_progress; legal: open.' },
        { id: missing, outcome: 'not_found', message: `Ticket ${missing} does not exist.` },
      ],
    });
    expect(outcome.progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    expect((await bed.store.getTicket(open.id))!.status).toBe('in_progress');
    expect((await bed.store.getTicket(closed.id))!.status).toBe('closed');
    expect(bed.updates.length).toBeGreaterThan(0);
  });

  it('is harmless to run again (a job re-run after a restart): moved tickets come back unchanged', async () => {
    const ids = [(await bed.createTicket()).id, (await bed.createTicket()).id];
    await bed.call('bulk_transition_tickets', { ids, status: 'in_progress' });
    expect(await bed.call('bulk_transition_tickets', { ids, status: 'in_progress' })).toMatchObject({ moved: 0, unchanged: 2, failed: 0 });
  });

  it('refuses repeated ids and more than the cap before touching any ticket', async () => {
    const ticket = await bed.createTicket();
    expect(await bed.fail('bulk_transition_tickets', { ids: [ticket.id, ticket.id], status: 'in_progress' })).toMatchObject({ kind: 'invalid_arguments' });
    const many = Array.from({ length: MAX_BULK_TICKETS + 1 }, (_, i) => i + 1);
    expect(await bed.fail('bulk_transition_tickets', { ids: many, status: 'in_progress' })).toMatchObject({ kind: 'invalid_arguments' });
    expect((await bed.store.getTicket(ticket.id))!.status).toBe('open');
  });
});
