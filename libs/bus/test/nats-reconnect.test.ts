import { NatsBus } from '../src/nats-bus';
import { NatsServerProcess } from '../src/testing';

describe('NATS bus across a server restart', () => {
  let server: NatsServerProcess;
  afterEach(() => server?.stop());

  it('fails waiting and new requests fast while the server is down and serves again after it returns', async () => {
    server = await NatsServerProcess.start();
    const responder = await NatsBus.connect({ servers: server.url, name: 'responder' });
    const requester = await NatsBus.connect({ servers: server.url, name: 'requester' });
    responder.subscribe('svc.echo', (m) => m.respond(m.data), { queue: 'q' });
    await responder.flush();
    expect((await requester.request('svc.echo', new Uint8Array([1]), { timeoutMs: 1000 })).data).toEqual(new Uint8Array([1]));

    // A request waiting when the server goes: its reply cannot come any more, so it fails now.
    responder.subscribe('svc.never', () => undefined, { queue: 'q' });
    await responder.flush();
    const waiting = requester.request('svc.never', new Uint8Array([9]), { timeoutMs: 30_000 });
    const killedAt = Date.now();
    await server.kill();
    await expect(waiting).rejects.toMatchObject({ kind: 'disconnected' });
    expect(Date.now() - killedAt).toBeLessThan(2000);
    await waitFor(() => requester.status === 'disconnected');
    const started = Date.now();
    await expect(requester.request('svc.echo', new Uint8Array([2]), { timeoutMs: 5000 })).rejects.toMatchObject({ kind: 'disconnected' });
    expect(Date.now() - started).toBeLessThan(500);

    const restartedAt = Date.now();
    await server.restart();
    await waitFor(() => requester.status === 'connected' && responder.status === 'connected', 5000);
    await responder.flush();
    expect((await requester.request('svc.echo', new Uint8Array([3]), { timeoutMs: 1000 })).data).toEqual(new Uint8Array([3]));
    expect(Date.now() - restartedAt).toBeLessThan(5000);
    await requester.close();
    await responder.close();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
