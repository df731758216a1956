import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('runs at most max at once and hands slots over in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const signal = new AbortController().signal;
    const order: number[] = [];
    const a = await limit.acquire(signal);
    const b = await limit.acquire(signal);
    const c = limit.acquire(signal).then((release) => (order.push(3), release));
    const d = limit.acquire(signal).then((release) => (order.push(4), release));
    expect(limit.queued).toBe(2);
    a();
    (await c)();
    b();
    (await d)();
    expect(order).toEqual([3, 4]);
    expect(limit.queued).toBe(0);
  });

  it('drops a waiter whose signal aborts, without leaking its slot', async () => {
    const limit = new ConcurrencyLimit(1);
    const release = await limit.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = limit.acquire(controller.signal);
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    release();
    release(); // releasing twice is harmless
    const again = await limit.acquire(new AbortController().signal);
    expect(limit.queued).toBe(0);
    again();
  });

  it('refuses a nonsensical limit', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(/positive integer/);
  });
});
