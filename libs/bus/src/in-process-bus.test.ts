import { describeBusBehaviour } from '../test/bus-behaviour';
import { InProcessBus } from './in-process-bus';

describeBusBehaviour('in-process', async () => new InProcessBus());

describe('in-process bus status', () => {
  it('fails requests fast while disconnected and serves again after reconnect', async () => {
    const bus = new InProcessBus();
    bus.subscribe('s', (m) => m.respond(new Uint8Array([1])));
    const statuses: string[] = [];
    bus.onStatus((s) => statuses.push(s));
    bus.setConnected(false);
    await expect(bus.request('s', new Uint8Array(), { timeoutMs: 5000 })).rejects.toMatchObject({ kind: 'disconnected' });
    bus.setConnected(true);
    await expect(bus.request('s', new Uint8Array(), { timeoutMs: 5000 })).resolves.toMatchObject({ subject: 's' });
    expect(statuses).toEqual(['disconnected', 'connected']);
    await bus.close();
  });

  it('fails requests still waiting for a reply when it closes, not at their timeout', async () => {
    const bus = new InProcessBus();
    bus.subscribe('silent', () => undefined);
    const waiting = bus.request('silent', new Uint8Array(), { timeoutMs: 60_000 });
    await bus.close();
    await expect(waiting).rejects.toMatchObject({ kind: 'closed' });
  });
});
