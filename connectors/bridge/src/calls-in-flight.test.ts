import type { HandlerContext } from '@mcp-hub/connector-kit';
import { CallsInFlight } from './calls-in-flight';

const call = (id: string) => ({ invocationId: id }) as HandlerContext;

/** A send that stays open until the returned `finish` is called; `seen` is what `owner()` said inside it. */
function openSend(calls: CallsInFlight) {
  let finish!: () => void;
  const seen: Array<ReturnType<CallsInFlight['owner']>> = [];
  const done = new Promise<void>((resolve) => (finish = resolve));
  const send = async () => {
    await done;
    seen.push(calls.owner());
  };
  return { send, finish, seen };
}

describe('calls in flight on the upstream', () => {
  it('names the only call in flight as the owner of an upstream request, and none after it ends', async () => {
    const calls = new CallsInFlight();
    const a = call('a');
    const open = openSend(calls);
    const sending = calls.within(a, open.send);
    expect(calls.outside(() => calls.owner())).toEqual({ ctx: a });
    open.finish();
    await sending;
    expect(calls.owner()).toEqual({ problem: expect.stringContaining('no call is in flight') });
  });

  it('names no owner from outside while two calls are in flight, and the remaining one after the other ends', async () => {
    const calls = new CallsInFlight();
    const [a, b] = [call('a'), call('b')];
    const first = openSend(calls);
    const second = openSend(calls);
    const sendingA = calls.within(a, first.send);
    const sendingB = calls.within(b, second.send);
    expect(calls.outside(() => calls.owner())).toEqual({ problem: expect.stringContaining('2 calls are in flight') });
    first.finish();
    await sendingA;
    expect(calls.outside(() => calls.owner())).toEqual({ ctx: b });
    second.finish();
    await sendingB;
  });

  it('names the call whose send the request arrived in, however many are in flight', async () => {
    const calls = new CallsInFlight();
    const [a, b] = [call('a'), call('b')];
    const first = openSend(calls);
    const second = openSend(calls);
    const sendingA = calls.within(a, first.send);
    const sendingB = calls.within(b, second.send);
    second.finish();
    await sendingB;
    first.finish();
    await sendingA;
    expect(second.seen).toEqual([{ ctx: b }]);
    expect(first.seen).toEqual([{ ctx: a }]);
  });

  it('does not name a call whose request ended, even from a timer in its context', async () => {
    const calls = new CallsInFlight();
    const [a, b, c] = [call('a'), call('b'), call('c')];
    const first = openSend(calls);
    const second = openSend(calls);
    const sendingB = calls.within(b, first.send);
    const sendingC = calls.within(c, second.send);
    let fired!: Promise<ReturnType<CallsInFlight['owner']>>;
    await calls.within(a, async () => {
      fired = new Promise((resolve) => setTimeout(() => resolve(calls.owner()), 10));
    });
    expect(await fired).toEqual({ problem: expect.stringContaining('2 calls are in flight') });
    first.finish();
    second.finish();
    await Promise.all([sendingB, sendingC]);
  });
});
