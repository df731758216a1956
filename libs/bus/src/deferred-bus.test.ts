import { describeBusBehaviour } from '../test/bus-behaviour';
import { DeferredBus } from './deferred-bus';
import { InProcessBus } from './in-process-bus';

describeBusBehaviour('deferred (attached)', async () => {
  const bus = new DeferredBus();
  bus.attach(new InProcessBus());
  return bus;
});

describe('deferred bus before its connection', () => {
  it('fails requests at once, then opens earlier subscriptions and reports connected when attached', async () => {
    const bus = new DeferredBus();
    const statuses: string[] = [];
    bus.onStatus((s) => statuses.push(s));
    const seen: string[] = [];
    bus.subscribe('s', (m) => {
      seen.push(m.subject);
      m.respond(new Uint8Array([1]));
    });
    const dropped = bus.subscribe('gone', () => seen.push('gone'));
    dropped.unsubscribe();
    expect(bus.status).toBe('disconnected');
    await expect(bus.request('s', new Uint8Array(), { timeoutMs: 5000 })).rejects.toMatchObject({ kind: 'disconnected' });
    expect(() => bus.publish('s', new Uint8Array())).not.toThrow();

    const inner = new InProcessBus();
    bus.attach(inner);
    expect(statuses).toEqual(['connected']);
    await expect(bus.request('s', new Uint8Array(), { timeoutMs: 5000 })).resolves.toMatchObject({ subject: 's' });
    inner.publish('gone', new Uint8Array());
    await bus.flush();
    expect(seen).toEqual(['s']);
    await bus.close();
    expect(statuses).toEqual(['connected', 'closed']);
  });

  it('closes a bus attached after it was closed, and fails requests as closed', async () => {
    const bus = new DeferredBus();
    await bus.close();
    await expect(bus.request('s', new Uint8Array(), { timeoutMs: 5000 })).rejects.toMatchObject({ kind: 'closed' });
    const inner = new InProcessBus();
    bus.attach(inner);
    await new Promise((r) => setImmediate(r));
    expect(inner.status).toBe('closed');
  });
});
