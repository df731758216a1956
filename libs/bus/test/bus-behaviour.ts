import type { Bus } from '../src/bus';
import { BusError } from '../src/bus-error';

const text = (s: string) => new TextEncoder().encode(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * The behaviour every Bus implementation must have. Run against NATS and in-process so that
 * the embedded mode behaves like the distributed one.
 */
export function describeBusBehaviour(name: string, open: () => Promise<Bus>): void {
  describe(`${name} bus`, () => {
    let bus: Bus;
    let prefix: string;
    beforeEach(async () => {
      bus = await open();
      prefix = `test.${Math.random().toString(36).slice(2)}`;
    });
    afterEach(async () => {
      await bus.close();
    });

    it('answers a request through a subscriber and carries headers both ways', async () => {
      bus.subscribe(`${prefix}.echo`, (msg) => {
        msg.respond(text(`echo:${read(msg.data)}`), { 'X-Seen': msg.headers['X-Trace'] ?? 'none' });
      });
      await bus.flush();
      const reply = await bus.request(`${prefix}.echo`, text('hi'), { timeoutMs: 2000, headers: { 'X-Trace': 't-1' } });
      expect(read(reply.data)).toBe('echo:hi');
      expect(reply.headers['X-Seen']).toBe('t-1');
    });

    it('maps no subscriber to no_responders without waiting for the timeout', async () => {
      const started = Date.now();
      await expect(bus.request(`${prefix}.nobody`, text('x'), { timeoutMs: 5000 })).rejects.toMatchObject({ kind: 'no_responders' });
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('times out when the subscriber never answers', async () => {
      bus.subscribe(`${prefix}.silent`, () => undefined);
      await bus.flush();
      await expect(bus.request(`${prefix}.silent`, text('x'), { timeoutMs: 150 })).rejects.toMatchObject({ kind: 'timeout' });
    });

    it('rejects with cancelled when the signal aborts', async () => {
      bus.subscribe(`${prefix}.slow`, () => undefined);
      await bus.flush();
      const controller = new AbortController();
      const pending = bus.request(`${prefix}.slow`, text('x'), { timeoutMs: 5000, signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      await expect(pending).rejects.toBeInstanceOf(BusError);
      await expect(pending).rejects.toMatchObject({ kind: 'cancelled' });
    });

    it('delivers each request to exactly one member of a queue group', async () => {
      const seen = { a: 0, b: 0 };
      bus.subscribe(`${prefix}.work`, (m) => { seen.a++; m.respond(text('a')); }, { queue: 'workers' });
      bus.subscribe(`${prefix}.work`, (m) => { seen.b++; m.respond(text('b')); }, { queue: 'workers' });
      await bus.flush();
      for (let i = 0; i < 40; i++) await bus.request(`${prefix}.work`, text('x'), { timeoutMs: 2000 });
      expect(seen.a + seen.b).toBe(40);
      expect(seen.a).toBeGreaterThan(0);
      expect(seen.b).toBeGreaterThan(0);
    });

    it('fans out publishes to every plain subscriber and honours wildcards', async () => {
      const got: string[] = [];
      const done = new Promise<void>((resolve) => {
        const check = () => got.length === 2 && resolve();
        bus.subscribe(`${prefix}.*.updated`, (m) => { got.push(`wild:${m.subject.split('.').at(-2)}`); check(); });
        bus.subscribe(`${prefix}.one.updated`, () => { got.push('exact'); check(); });
      });
      await bus.flush();
      bus.publish(`${prefix}.one.updated`, text('x'));
      await done;
      expect(got.sort()).toEqual(['exact', 'wild:one']);
    });

    it('answers a request already on its way when the subscriber drains', async () => {
      const sub = bus.subscribe(`${prefix}.draining`, (m) => m.respond(text('late but answered')));
      await bus.flush();
      const pending = bus.request(`${prefix}.draining`, text('x'), { timeoutMs: 2000 });
      await sub.drain();
      expect(read((await pending).data)).toBe('late but answered');
    });

    it('stops delivery after unsubscribe', async () => {
      const sub = bus.subscribe(`${prefix}.gone`, (m) => m.respond(text('x')));
      await bus.flush();
      sub.unsubscribe();
      await bus.flush();
      await expect(bus.request(`${prefix}.gone`, text('x'), { timeoutMs: 1000 })).rejects.toMatchObject({ kind: 'no_responders' });
    });
  });
}
