import { NotificationBudget } from './notification-budget';

describe('NotificationBudget', () => {
  it('lets a burst of one second through, then the rate', () => {
    let now = 0;
    const budget = new NotificationBudget(10, () => now);
    const burst = Array.from({ length: 50 }, () => budget.take()).filter(Boolean).length;
    expect(burst).toBe(10);
    now += 500;
    expect(Array.from({ length: 50 }, () => budget.take()).filter(Boolean).length).toBe(5);
    now += 10_000;
    expect(Array.from({ length: 50 }, () => budget.take()).filter(Boolean).length).toBe(10);
  });
});
