import { Redis } from 'ioredis';
import { newJobId } from '@mcp-hub/connector-contract';
import { RedisTaskStore } from '../src/tasks/redis-task-store';
import { InvalidCursor, type TaskRecord } from '../src/tasks/task-store';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `taskstore${process.pid}x${Math.floor(Math.random() * 1e9)}`;
const store = new RedisTaskStore(REDIS_URL, namespace);

afterAll(async () => {
  store.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${namespace}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const record = (principalId: string, ttlMs = 60_000): TaskRecord => ({ taskId: newJobId('jobby'), principalId, createdAt: Date.now(), ttlMs });

describe('RedisTaskStore', () => {
  it("pages through one principal's tasks only, and refuses cursors it did not give", async () => {
    const mine = [record('alice'), record('alice', 61_000), record('alice', 62_000)];
    for (const task of [...mine, record('bob')]) await store.put(task);
    const first = await store.list('alice', undefined, 2);
    expect(first.records.map((r) => r.taskId)).toEqual([mine[0]!.taskId, mine[1]!.taskId]);
    const second = await store.list('alice', first.nextCursor, 2);
    expect(second).toEqual({ records: [mine[2]] });
    for (const cursor of ['-1', '1.5', 'x', '01']) await expect(store.list('alice', cursor, 2)).rejects.toThrow(InvalidCursor);
    expect((await store.list('carol', undefined, 10)).records).toEqual([]);
  });

  it('forgets a task after its ttl and keeps the expiry when it is cancelled', async () => {
    const task = record('dave', 300);
    await store.put(task);
    await store.markCancelled(task.taskId, task.createdAt + 1);
    expect(await store.get(task.taskId)).toEqual({ ...task, cancelledAt: task.createdAt + 1 });
    await new Promise((r) => setTimeout(r, 350));
    expect(await store.get(task.taskId)).toBeUndefined();
    expect((await store.list('dave', undefined, 10)).records).toEqual([]);
  });
});
