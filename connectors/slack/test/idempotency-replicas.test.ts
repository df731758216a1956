import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { FakeSlack, startSlackTestbed, type SlackTestbed } from '../src/testing';

const SUPPORT = 'C0SUPPORT1';

/** Two replicas sharing the real Redis: a retry that lands on the other replica posts nothing. */
describe('slack idempotency across replicas', () => {
  const prefix = `test:slack:${randomBytes(6).toString('hex')}:`;
  let fake: FakeSlack;
  let replicas: SlackTestbed[];
  beforeEach(async () => {
    fake = await FakeSlack.start({ channels: [{ id: SUPPORT, name: 'support' }] });
    const config = { channels: [SUPPORT], idempotency: { redisUrl: 'redis://127.0.0.1:6379', keyPrefix: prefix } };
    replicas = [await startSlackTestbed(fake, config), await startSlackTestbed(fake, config)];
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.stop();
    await fake.stop();
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('posts once when the same key reaches both replicas', async () => {
    const args = { channel: SUPPORT, text: 'We are on it.', idempotency_key: 'ticket-42-ack' };
    const first = await replicas[0]!.harness.callTool('post_message', args);
    const second = await replicas[1]!.harness.callTool('post_message', args);
    expect(second.structuredContent).toEqual(first.structuredContent);
    expect(second._meta).toEqual({ 'mcphub/replayed': true });
    expect(fake.requestsOf('chat.postMessage')).toHaveLength(1);
  });
});
