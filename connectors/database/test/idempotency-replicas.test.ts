import { randomBytes } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Redis } from 'ioredis';
import { InProcessBus } from '@mcp-hub/bus';
import { Subjects, ReplySchema, ToolResultSchema, decode, encode } from '@mcp-hub/connector-contract';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { DatabaseConfigSchema } from '../src/config';
import { createDatabaseConnectorService } from '../src/database-module';
import type { DatabaseDeps } from '../src/database-deps';
import { startConnector, tempDir } from './support';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const subjects = new Subjects();

/**
 * Issue 11: behind a queue group, a retry that lands on another replica must not write twice.
 * Two replicas of the database connector share one SQLite file and one Redis for their
 * idempotency keys. The first call reaches replica 0 alone; then replica 0 stops and replica 1
 * starts, so the retry can only reach replica 1 (a retry after a replica died).
 */
describe('database write idempotency across replicas', () => {
  const temp = tempDir('mcp-db-idem-');
  const keyPrefix = `mcphub-test:idempotency:${randomBytes(4).toString('hex')}`;
  const bus = new InProcessBus();
  const built: Array<Awaited<ReturnType<typeof createDatabaseConnectorService>>> = [];
  const running: ConnectorService<DatabaseDeps>[] = [];

  beforeAll(async () => {
    const seeded = join(temp.dir, 'seed', 'demo.sqlite');
    await startConnector({ sources: [{ name: 'seed', engine: 'sqlite', connection: { path: seeded, createDemo: true } }] }).then((c) => c.stop());
    copyFileSync(seeded, join(temp.dir, 'shop.sqlite'));
    const config = DatabaseConfigSchema.parse({
      sources: [{ name: 'shop', engine: 'sqlite', mode: 'read-write', connection: { path: join(temp.dir, 'shop.sqlite') } }],
      idempotency: { redisUrl: REDIS_URL, keyPrefix },
    });
    for (let i = 0; i < 2; i++) built.push(await createDatabaseConnectorService(config, pino({ level: 'silent' }), {}));
  });

  const startReplica = async (i: number) => {
    running[i] = await runConnector(built[i]!.connector, { bus, deps: built[i]!.deps, replicaId: `replica-${i}`, heartbeatMs: 60_000 });
  };

  afterAll(async () => {
    for (const service of running) await service?.stop();
    for (const connector of built) await connector.close();
    await bus.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    temp.remove();
  });

  async function execute(args: Record<string, unknown>) {
    const request = { invocationId: randomBytes(8).toString('hex'), deadline: Date.now() + 10_000, principal: { id: 'ops', scopes: [] }, tool: 'execute_statement', arguments: args };
    const reply = decode(ReplySchema, (await bus.request(subjects.invoke('database', 'execute_statement'), encode(request), { timeoutMs: 10_000 })).data);
    if (reply.status !== 'ok') throw new Error(`execute_statement failed: ${JSON.stringify(reply)}`);
    return ToolResultSchema.parse(reply.result);
  }

  it('writes once when the same key reaches two replicas, and the repeat gets the first result', async () => {
    const args = { source: 'shop', sql: "INSERT INTO support_tickets (customer_id, subject, body, status, priority, opened_at) VALUES (1, 'once only', 'b', 'open', 'low', '2026-12-03')", idempotency_key: 'ticket-once-0001' };
    await startReplica(0);
    const first = await execute(args);
    await running[0]!.stop();
    await startReplica(1);
    const repeat = await execute(args);
    expect(repeat).toEqual({ ...first, _meta: { 'mcphub/replayed': true } });
    const count = await execute({ source: 'shop', sql: "DELETE FROM support_tickets WHERE subject = 'once only'" });
    expect(count.structuredContent).toMatchObject({ rowsAffected: 1 });
  });
});
