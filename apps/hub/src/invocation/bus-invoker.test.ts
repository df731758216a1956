import pino from 'pino';
import { z } from 'zod';
import { InProcessBus } from '@mcp-hub/bus';
import { decode, encode, Subjects, CancelMessageSchema, InvocationRequestSchema } from '@mcp-hub/connector-contract';
import { BusInvoker } from './bus-invoker';
import { HubLocalError } from './hub-errors';

const subjects = new Subjects();

const principal = { id: 'tester', scopes: ['*'] };
const ResultSchema = z.object({ value: z.number() });

/** A connector stand-in on the bus that records requests and cancellations and answers when told. */
async function setUp() {
  const bus = new InProcessBus();
  const invoker = new BusInvoker({ bus, hubId: 'hub-1', subjects, logger: pino({ level: 'silent' }), defaultTimeoutMs: 2000, orphanAfterMs: 100 });
  await invoker.start();
  const requests: string[] = [];
  const cancels: string[] = [];
  const answer: { reply?: (data: Uint8Array) => void } = {};
  bus.subscribe(subjects.invoke('conn', 'tool'), (message) => {
    requests.push(decode(InvocationRequestSchema, message.data).invocationId);
    answer.reply = (data) => message.respond(data);
  }, { queue: 'conn' });
  bus.subscribe(subjects.cancel('conn'), (message) => cancels.push(decode(CancelMessageSchema, message.data).invocationId));
  const invoke = (signal?: AbortSignal, retryIfReplicaLost = false) =>
    invoker.invoke('conn', subjects.invoke('conn', 'tool'), { tool: 'tool', arguments: {} }, ResultSchema, { principal, signal, retryIfReplicaLost });
  return { bus, invoker, requests, cancels, answer, invoke };
}

/** Waits up to 2 s for `condition`, and fails the test if it never holds. */
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition never held');
};

describe('BusInvoker', () => {
  it('returns the parsed result of an ok reply', async () => {
    const { bus, requests, answer, invoke } = await setUp();
    const pending = invoke();
    await until(() => requests.length === 1);
    answer.reply!(encode({ status: 'ok', result: { value: 7 } }));
    await expect(pending).resolves.toEqual({ ok: true, value: { value: 7 } });
    await bus.close();
  });

  it('sends nothing for a call whose client already cancelled', async () => {
    const { bus, requests, cancels, invoke } = await setUp();
    const controller = new AbortController();
    controller.abort();
    await expect(invoke(controller.signal)).rejects.toMatchObject({ kind: 'cancelled' });
    await new Promise((r) => setTimeout(r, 20));
    expect(requests).toEqual([]);
    expect(cancels).toEqual([]);
    await bus.close();
  });

  it('ends the wait at once when the client cancels, and tells the connector', async () => {
    const { bus, requests, cancels, invoke } = await setUp();
    const controller = new AbortController();
    const pending = invoke(controller.signal);
    await until(() => requests.length === 1);
    const started = Date.now();
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubLocalError);
    expect(error).toMatchObject({ kind: 'cancelled' });
    // Ended by the cancel, not by the 2 s deadline (the connector never answers).
    expect(Date.now()).toBeLessThan(started + 2000);
    await until(() => cancels.length === 1);
    expect(cancels).toEqual(requests);
    await bus.close();
  });

  it('fails the calls a lost replica had taken, and only those', async () => {
    const { bus, invoker, requests, invoke } = await setUp();
    const pending = invoke();
    await until(() => requests.length === 1);
    bus.publish(subjects.hubEvents('hub-1'), encode({ type: 'started', invocationId: requests[0], replicaId: 'replica-a' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(invoker.replicaLost('conn', 'replica-b')).toBe(0);
    expect(invoker.replicaLost('conn', 'replica-a')).toBe(1);
    await expect(pending).rejects.toMatchObject({ kind: 'replica_lost' });
    await bus.close();
  });

  it('sends a call that may be repeated once more when its replica is lost, within the same deadline', async () => {
    const { bus, invoker, requests, answer, invoke } = await setUp();
    const pending = invoke(undefined, true);
    await until(() => requests.length === 1);
    bus.publish(subjects.hubEvents('hub-1'), encode({ type: 'started', invocationId: requests[0], replicaId: 'replica-a' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(invoker.replicaLost('conn', 'replica-a')).toBe(1);
    await until(() => requests.length === 2);
    answer.reply!(encode({ status: 'ok', result: { value: 8 } }));
    await expect(pending).resolves.toEqual({ ok: true, value: { value: 8 } });
    expect(new Set(requests).size).toBe(2);
    await bus.close();
  });

  it('also fails calls no replica claimed once they are older than orphanAfterMs (they were on the lost one)', async () => {
    const { bus, invoker, requests, invoke } = await setUp();
    const orphan = invoke();
    await until(() => requests.length === 1);
    await new Promise((r) => setTimeout(r, 150)); // older than orphanAfterMs (100 ms), never claimed
    const young = invoke();
    await until(() => requests.length === 2);
    expect(invoker.replicaLost('conn', 'replica-gone')).toBe(1);
    await expect(orphan).rejects.toMatchObject({ kind: 'replica_lost', detail: expect.stringContaining('replica-gone') });
    // The young call may still be on a live replica that has not claimed it yet: it waits.
    const settled = await Promise.race([young.then(() => 'settled', () => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 50))]);
    expect(settled).toBe('pending');
    expect(invoker.replicaLost('other', 'replica-gone')).toBe(0);
    await bus.close();
  });
});

