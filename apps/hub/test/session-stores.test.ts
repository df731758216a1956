import { RedisServerProcess } from '@mcp-hub/bus/testing';
import { InMemorySessionStore } from '../src/sessions/in-memory-session-store';
import { RedisSessionStore } from '../src/sessions/redis-session-store';
import { SessionStoreUnavailable, type SessionRecord, type SessionStore } from '../src/sessions/session-store';
import { silent, waitFor } from './hub-fixture';

const record: SessionRecord = {
  initialize: { protocolVersion: '2025-11-25', capabilities: { elicitation: {} }, clientInfo: { name: 'client', version: '1.0.0', title: 'kept' } },
  createdAt: 1_700_000_000_000,
};

let redis: RedisServerProcess;
const opened: SessionStore[] = [];
beforeAll(async () => {
  redis = await RedisServerProcess.start();
});
afterAll(async () => {
  for (const store of opened) await store.close();
  await redis?.stop();
});

const stores: Array<[string, (ttlMs: number) => Promise<SessionStore>]> = [
  ['in memory', async (ttlMs) => new InMemorySessionStore(ttlMs)],
  ['in Redis', async (ttlMs) => RedisSessionStore.connect({ url: redis.url, ttlMs, logger: silent })],
];

describe.each(stores)('session store %s', (_name, open) => {
  let store: SessionStore;
  let n = 0;
  const id = () => `s-${process.pid}-${Date.now()}-${n++}`;
  beforeEach(async () => {
    store = await open(60_000);
    opened.push(store);
  });

  it('keeps the initialize record, including fields it does not know', async () => {
    const s = id();
    await store.create(s, record);
    expect(await store.get(s)).toEqual({ record, subscriptions: [] });
    expect(await store.get('never-created')).toBeUndefined();
  });

  it('records subscriptions per session and answers which sessions subscribed to a URI', async () => {
    const [a, b, c] = [id(), id(), id()];
    for (const s of [a, b, c]) await store.create(s, record);
    await store.addSubscription(a, 'echo://items/x');
    await store.addSubscription(b, 'echo://items/x');
    await store.addSubscription(b, 'echo://items/y');
    await store.removeSubscription(b, 'echo://items/x');
    expect(await store.subscribedAmong('echo://items/x', [a, b, c])).toEqual(new Set([a]));
    expect(await store.subscribedAmong('echo://items/y', [a, b, c])).toEqual(new Set([b]));
    expect(await store.subscribedAmong('echo://items/x', [])).toEqual(new Set());
    expect((await store.get(b))?.subscriptions).toEqual(['echo://items/y']);
  });

  it('ends a session for everyone and says so', async () => {
    const s = id();
    await store.create(s, record);
    await store.addSubscription(s, 'echo://items/x');
    const ended: string[] = [];
    store.onEnded((e) => ended.push(e));
    await store.end(s);
    expect(await store.get(s)).toBeUndefined();
    expect(await store.touch(s)).toBe(false);
    expect(await store.idleFor(s)).toBeUndefined();
    await waitFor(() => ended.includes(s), 2000, 'the ended event');
  });

  it('touch extends a live session and reports idle time', async () => {
    const s = id();
    await store.create(s, record);
    await new Promise((r) => setTimeout(r, 100));
    const idle = (await store.idleFor(s))!;
    expect(idle).toBeGreaterThanOrEqual(90);
    expect(await store.touch(s)).toBe(true);
    expect(await store.idleFor(s)).toBeLessThan(idle);
    expect(await store.touch('never-created')).toBe(false);
    expect(await store.get('never-created')).toBeUndefined(); // touch did not create it
  });

  it('forgets a session ttl after its last touch', async () => {
    const short = await open(600);
    opened.push(short);
    const s = id();
    await short.create(s, record);
    await short.addSubscription(s, 'echo://a');
    await new Promise((r) => setTimeout(r, 350));
    expect(await short.touch(s)).toBe(true);
    await new Promise((r) => setTimeout(r, 350));
    // 700 ms after creation, 350 ms after the touch: alive.
    expect(await short.get(s)).toEqual({ record, subscriptions: ['echo://a'] });
    await new Promise((r) => setTimeout(r, 700));
    expect(await short.get(s)).toBeUndefined();
  });

  it('restore creates a missing session and merges subscriptions into a present one', async () => {
    const s = id();
    await store.restore(s, { record, subscriptions: ['echo://a'] });
    await store.restore(s, { record: { ...record, createdAt: 1 }, subscriptions: ['echo://b'] });
    const got = await store.get(s);
    expect(got?.record).toEqual(record);
    expect(got?.subscriptions.sort()).toEqual(['echo://a', 'echo://b']);
  });
});

describe('Redis session store across replicas and outages', () => {
  it('tells every replica about an ended session', async () => {
    const a = await RedisSessionStore.connect({ url: redis.url, ttlMs: 60_000, logger: silent });
    const b = await RedisSessionStore.connect({ url: redis.url, ttlMs: 60_000, logger: silent });
    opened.push(a, b);
    const endedOnB: string[] = [];
    b.onEnded((id) => endedOnB.push(id));
    await a.create('shared-1', record);
    expect((await b.get('shared-1'))?.record).toEqual(record);
    await a.end('shared-1');
    await waitFor(() => endedOnB.includes('shared-1'), 2000, 'ended on the other replica');
  });

  it('fails fast while Redis is down, and reports the lost content once it is back', async () => {
    const store = await RedisSessionStore.connect({ url: redis.url, ttlMs: 60_000, logger: silent });
    opened.push(store);
    const recoveries: boolean[] = [];
    store.onRecovered((lost) => recoveries.push(lost));
    await store.create('before-restart', record);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await expect(store.get('before-restart')).rejects.toBeInstanceOf(SessionStoreUnavailable);
    await expect(store.touch('before-restart')).rejects.toBeInstanceOf(SessionStoreUnavailable);
    expect(Date.now() - started).toBeLessThan(200);
    await redis.restart();
    // The first connection reports `false` (nothing lost: write what is held here only); the
    // restart of a Redis without persistence reports `true`.
    await waitFor(() => recoveries.includes(true), 5000, 'recovery');
    expect(recoveries.filter((lost) => lost)).toEqual([true]);
    expect(recoveries.length).toBeLessThanOrEqual(2);
    expect(await store.get('before-restart')).toBeUndefined();
  });
});
