import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Redis } from 'ioredis';
import { InProcessBus } from '@mcp-hub/bus';
import { ReplySchema, Subjects, ToolResultSchema, decode, encode } from '@mcp-hub/connector-contract';
import { runConnector, exposeTools, ToolExposureSchema, type ConnectorService } from '@mcp-hub/connector-kit';
import { EmailConfigSchema } from '../src/config';
import { createEmailConnector } from '../src/create-email-connector';
import type { EmailDeps } from '../src/email-deps';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const subjects = new Subjects();

/**
 * Behind a queue group a retry may land on another replica: with their idempotency keys in one
 * Redis, two replicas of the email connector send a message once. The first call reaches
 * replica 0 alone; then it stops and replica 1 starts, so the retry can only reach replica 1.
 */
describe('email send idempotency across replicas', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-email-idem-'));
  const keyPrefix = `mcphub-test:idempotency:email:${randomBytes(4).toString('hex')}`;
  const bus = new InProcessBus();
  const built: Array<Awaited<ReturnType<typeof createEmailConnector>>> = [];
  const running: ConnectorService<EmailDeps>[] = [];
  let smtp: SmtpCapture;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    for (let i = 0; i < 2; i++) {
      const config = EmailConfigSchema.parse({
        store: { kind: 'maildir', path: join(dir, `replica-${i}`) },
        transport: { kind: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, requireTls: false, user: smtp.user, password: smtp.password },
        from: 'support@demo-shop.example',
        allowedRecipients: ['example.com'],
        idempotency: { redisUrl: REDIS_URL, keyPrefix },
      });
      built.push(await createEmailConnector(config, pino({ level: 'silent' })));
    }
  });

  afterAll(async () => {
    for (const service of running) await service?.stop();
    for (const connector of built) await connector.close();
    await bus.close();
    await smtp?.stop();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const startReplica = async (i: number) => {
    const connector = exposeTools(built[i]!.connector, ToolExposureSchema.parse({ writeMode: true }));
    running[i] = await runConnector(connector, { bus, deps: built[i]!.deps, replicaId: `replica-${i}`, heartbeatMs: 60_000 });
  };

  async function send(args: Record<string, unknown>) {
    const request = { invocationId: randomBytes(8).toString('hex'), deadline: Date.now() + 10_000, principal: { id: 'agent', scopes: [] }, tool: 'send_email', arguments: args };
    const reply = decode(ReplySchema, (await bus.request(subjects.invoke('email', 'send_email'), encode(request), { timeoutMs: 10_000 })).data);
    if (reply.status !== 'ok') throw new Error(`send_email failed: ${JSON.stringify(reply)}`);
    return ToolResultSchema.parse(reply.result);
  }

  it('sends once when the same key reaches two replicas, and the repeat gets the first result', async () => {
    const args = { to: ['pat@example.com'], subject: 'Once', text: 'only once', idempotency_key: 'send-once-0001' };
    await startReplica(0);
    const first = await send(args);
    await running[0]!.stop();
    await startReplica(1);
    const repeat = await send(args);
    expect(repeat).toEqual({ ...first, _meta: { 'mcphub/replayed': true } });
    expect(smtp.messages).toHaveLength(1);
  });
});
