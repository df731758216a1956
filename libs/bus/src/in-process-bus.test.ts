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
});
