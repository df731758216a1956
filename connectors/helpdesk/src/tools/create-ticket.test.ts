import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';
import type { TicketDetail } from '../ticket-view';

const args = { subject: 'Printer jams', body: 'Paper jams on every page.', requester: 'cust@example.com' };

describe('create_ticket', () => {
  let bed: HelpdeskTestbed;
  beforeEach(async () => {
    bed = await startHelpdesk({ maxTextBytes: 2048 });
  });
  afterEach(() => bed.stop());

  it('opens a ticket with defaults, links it and announces the ticket and the queue', async () => {
    const result = await bed.harness.callTool('create_ticket', { ...args, tags: ['hardware'] });
    const { ticket } = result.structuredContent as { ticket: TicketDetail };
    expect(ticket).toMatchObject({ ...args, status: 'open', priority: 'normal', tags: ['hardware'], assignee: null, untrusted: true });
    expect(await bed.store.getTicket(ticket.id)).toMatchObject({ subject: args.subject });
    expect(result.content).toContainEqual(expect.objectContaining({ type: 'resource_link', uri: `helpdesk://tickets/${ticket.id}` }));
    await bed.harness.bus.flush();
    expect(bed.updates).toEqual([`helpdesk://tickets/${ticket.id}`, 'helpdesk://queue']);
  });

  it('acts once per idempotency key and returns the first result to a repeat', async () => {
    const first = await bed.harness.callTool('create_ticket', { ...args, idempotency_key: 'req-1' });
    const repeat = await bed.harness.callTool('create_ticket', { ...args, idempotency_key: 'req-1' });
    // The first result, marked as a replay the same way by every connector.
    expect(repeat).toEqual({ ...first, _meta: { 'mcphub/replayed': true } });
    expect((await bed.store.queueOverview(1)).total).toBe(1);
    expect(bed.updates).toHaveLength(2); // the repeat changed nothing, so announced nothing
  });

  it('refuses a key reused with other arguments, and keeps keys apart per principal', async () => {
    await bed.call('create_ticket', { ...args, idempotency_key: 'req-2' });
    expect(await bed.fail('create_ticket', { ...args, subject: 'Other', idempotency_key: 'req-2' })).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/already used with different arguments/),
    });
    await bed.call('create_ticket', { ...args, idempotency_key: 'req-2' }, 'another-agent');
    expect((await bed.store.queueOverview(1)).total).toBe(2);
  });

  it('refuses a body over the byte cap, naming the field', async () => {
    expect(await bed.fail('create_ticket', { ...args, body: 'x'.repeat(2049) })).toMatchObject({
      kind: 'invalid_arguments',
      message: 'body is 2049 bytes; the limit is 2048. Shorten it.',
    });
    expect((await bed.store.queueOverview(1)).total).toBe(0);
  });

  it('refuses bad arguments, naming them', async () => {
    const { requester: _omitted, ...withoutRequester } = args;
    expect(await bed.fail('create_ticket', withoutRequester)).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/requester/) });
    expect(await bed.fail('create_ticket', { ...args, tags: ['Has Space'] })).toMatchObject({ message: expect.stringMatching(/tags\.0/) });
    expect(await bed.fail('create_ticket', { ...args, priority: 'critical' })).toMatchObject({ message: expect.stringMatching(/priority/) });
    expect(await bed.fail('create_ticket', { ...args, requester: 'a\u202eb' })).toMatchObject({ message: expect.stringMatching(/requester/) });
    expect(await bed.fail('create_ticket', { ...args, idempotency_key: 'has space' })).toMatchObject({ message: expect.stringMatching(/idempotency_key/) });
    expect(await bed.fail('create_ticket', { ...args, status: 'closed' })).toMatchObject({ message: expect.stringMatching(/status/) });
  });
});
