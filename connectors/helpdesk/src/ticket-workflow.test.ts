import { TicketStatusSchema } from './ticket';
import { isLegalTransition, nextStatuses } from './ticket-workflow';

describe('ticket workflow', () => {
  it('allows exactly the documented moves', () => {
    const legal = TicketStatusSchema.options.flatMap((from) => TicketStatusSchema.options.filter((to) => isLegalTransition(from, to)).map((to) => `${from}→${to}`));
    expect(legal.sort()).toEqual(
      [
        'open→in_progress',
        'in_progress→waiting_on_customer',
        'in_progress→resolved',
        'waiting_on_customer→in_progress',
        'waiting_on_customer→resolved',
        'resolved→closed',
        'resolved→open',
        'closed→open',
      ].sort(),
    );
  });

  it('never stays in place and can always get back to open', () => {
    for (const status of TicketStatusSchema.options) {
      expect(nextStatuses(status)).not.toContain(status);
      const seen = new Set([status]);
      const frontier = [status];
      while (frontier.length > 0) {
        for (const next of nextStatuses(frontier.pop()!)) {
          if (seen.has(next)) continue;
          seen.add(next);
          frontier.push(next);
        }
      }
      expect(seen.has('open')).toBe(true);
      expect(seen.has('closed')).toBe(true);
    }
  });
});
