import { startHelpdesk, type HelpdeskTestbed } from '../testing/helpdesk-testbed';
import type { CommentView } from '../ticket-view';

describe('add_comment', () => {
  let bed: HelpdeskTestbed;
  let id: number;
  beforeEach(async () => {
    bed = await startHelpdesk({ maxTextBytes: 1024 });
    id = (await bed.createTicket()).id;
  });
  afterEach(() => bed.stop());

  it('adds an internal comment by default, written as the calling principal', async () => {
    const { comment } = await bed.call<{ comment: CommentView }>('add_comment', { id, body: 'Checked logs.' }, 'maya@support.example.com');
    expect(comment).toMatchObject({ ticketId: id, author: 'maya@support.example.com', body: 'Checked logs.', visibility: 'internal', untrusted: true });
    expect(bed.updates).toEqual([`helpdesk://tickets/${id}`, 'helpdesk://queue']);
  });

  it('adds a public comment when asked and ignores any author argument', async () => {
    expect(await bed.fail('add_comment', { id, body: 'x', author: 'ceo@example.com' })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/author/) });
    const { comment } = await bed.call<{ comment: CommentView }>('add_comment', { id, body: 'We are on it.', visibility: 'public' });
    expect(comment.visibility).toBe('public');
    expect((await bed.store.listComments(id, 10)).total).toBe(1);
  });

  it('adds a comment once per idempotency key', async () => {
    const first = await bed.call('add_comment', { id, body: 'Once', idempotency_key: 'c-1' });
    const repeat = await bed.call('add_comment', { id, body: 'Once', idempotency_key: 'c-1' });
    expect(repeat).toEqual(first);
    expect((await bed.store.listComments(id, 10)).total).toBe(1);
  });

  it('answers not_found, refuses closed tickets and oversized bodies', async () => {
    expect(await bed.fail('add_comment', { id: id + 1, body: 'x' })).toMatchObject({ kind: 'not_found' });
    expect(await bed.fail('add_comment', { id, body: 'x'.repeat(1025) })).toMatchObject({ kind: 'invalid_arguments', message: expect.stringMatching(/^body is 1025 bytes/) });
    await bed.store.transitionTicket(id, 'open', 'closed');
    expect(await bed.fail('add_comment', { id, body: 'x' })).toMatchObject({ kind: 'conflict' });
    expect((await bed.store.listComments(id, 10)).total).toBe(0);
  });
});
