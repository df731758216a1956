import type { HandlerContext } from '@mcp-hub/connector-kit';
import { CallsInFlight } from './calls-in-flight';

const call = (id: string) => ({ invocationId: id }) as HandlerContext;

describe('calls in flight on the upstream', () => {
  it('names the only call in flight as the owner of an upstream request', () => {
    const calls = new CallsInFlight();
    const a = call('a');
    const leave = calls.enter(a);
    expect(calls.owner()).toEqual({ ctx: a });
    leave();
    expect(calls.owner()).toEqual({ problem: expect.stringContaining('no call is in flight') });
  });

  it('names no owner while two calls are in flight, and the remaining one after the other ends', () => {
    const calls = new CallsInFlight();
    const a = call('a');
    const b = call('b');
    const leaveA = calls.enter(a);
    calls.enter(b);
    expect(calls.owner()).toEqual({ problem: expect.stringContaining('2 calls are in flight') });
    leaveA();
    expect(calls.owner()).toEqual({ ctx: b });
  });

  it('counts two requests of one call as one call, and leaving twice as leaving once', () => {
    const calls = new CallsInFlight();
    const a = call('a');
    const first = calls.enter(a);
    const second = calls.enter(a);
    first();
    first();
    expect(calls.owner()).toEqual({ ctx: a });
    second();
    expect('problem' in calls.owner()).toBe(true);
  });
});
