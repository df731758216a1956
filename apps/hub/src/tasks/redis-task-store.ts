import { Redis } from 'ioredis';
import { JobKeys } from '@mcp-hub/connector-contract';
import { InvalidCursor, TaskRecordSchema, type TaskPage, type TaskRecord, type TaskStore } from './task-store';

/**
 * Task records in Redis, so every hub replica serves every task: one string per task expiring
 * with it (`JobKeys.task`), and per principal a sorted set of its task ids scored by expiry
 * (`JobKeys.tasksOf`), pruned on each listing.
 */
export class RedisTaskStore implements TaskStore {
  private readonly keys: JobKeys;
  private readonly redis: Redis;

  /** Opens its own connection to `redisUrl`; {@link close} closes it. `namespace` as the jobs'. */
  constructor(redisUrl: string, namespace?: string) {
    this.keys = new JobKeys(namespace);
    this.redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  }

  close(): void {
    this.redis.disconnect();
  }

  async put(record: TaskRecord): Promise<void> {
    const owner = this.keys.tasksOf(record.principalId);
    await this.redis
      .multi()
      .set(this.keys.task(record.taskId), JSON.stringify(record), 'PX', record.ttlMs)
      .zadd(owner, record.createdAt + record.ttlMs, record.taskId)
      // The set lives as long as its longest-lived task (GT: never shortened).
      .pexpire(owner, record.ttlMs, 'GT')
      .pexpire(owner, record.ttlMs, 'NX')
      .exec();
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const text = await this.redis.get(this.keys.task(taskId));
    if (text === null) return undefined;
    const parsed = TaskRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  }

  async markCancelled(taskId: string, at: number): Promise<void> {
    const record = await this.get(taskId);
    if (!record || record.cancelledAt) return;
    await this.redis.set(this.keys.task(taskId), JSON.stringify({ ...record, cancelledAt: at }), 'KEEPTTL', 'XX');
  }

  async list(principalId: string, cursor: string | undefined, limit: number): Promise<TaskPage> {
    const offset = cursor === undefined ? 0 : Number(cursor);
    if (!Number.isSafeInteger(offset) || offset < 0 || (cursor !== undefined && cursor !== String(offset))) throw new InvalidCursor('invalid cursor');
    const owner = this.keys.tasksOf(principalId);
    await this.redis.zremrangebyscore(owner, '-inf', Date.now());
    // The cursor is an offset into the set ordered by expiry: tasks that expire in between may shift it, never repeat one.
    const ids = await this.redis.zrange(owner, String(offset), String(offset + limit));
    const page = ids.slice(0, limit);
    const texts = page.length > 0 ? await this.redis.mget(page.map((id) => this.keys.task(id))) : [];
    const records = texts.flatMap((text) => {
      const parsed = text === null ? undefined : TaskRecordSchema.safeParse(JSON.parse(text));
      return parsed?.success && parsed.data.principalId === principalId ? [parsed.data] : [];
    });
    return { records, ...(ids.length > limit && { nextCursor: String(offset + limit) }) };
  }
}
