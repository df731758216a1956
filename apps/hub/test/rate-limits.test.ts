import { randomBytes } from 'node:crypto';
import { InProcessBus } from '@mcp-hub/bus';
import { RETRY_AFTER_META_KEY } from '@mcp-hub/connector-contract';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createEchoConnector, type EchoDeps } from '@mcp-hub/connector-kit/testing';
import { Redis } from 'ioredis';
import { Hub } from '../src/hub';
import { ToolRateLimits, type RateLimitStore } from '../src/rate-limits/tool-rate-limits';
import { RateLimitSettingsSchema, type RateLimitSettings } from '../src/rate-limits/rate-limit-settings';
import { silent, waitFor } from './hub-fixture';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const alice = { id: 'alice', scopes: ['*'] };
const bob = { id: 'bob', scopes: ['*'] };

/** Two hubs on one bus (as two replicas behind a balancer), each with its own limiter on `store`. */
async function twoHubs(settings: RateLimitSettings, store: () => RateLimitStore) {
  const bus = new InProcessBus();
  const hubs = [0, 1].map((i) => new Hub({ bus, hubId: `rl-${i}-${randomBytes(3).toString('hex')}`, logger: silent, rateLimits: new ToolRateLimits({ settings, store: store(), logger: silent }) }));
  for (const hub of hubs) await hub.start();
  const replica: ConnectorService<EchoDeps> = await runConnector(createEchoConnector('echo'), { bus, deps: { aborted: [] } as EchoDeps, logger: silent });
  for (const hub of hubs) await waitFor(() => hub.inventory.replicaCount('echo') > 0);
  return {
    hubs: hubs as [Hub, Hub],
    async stop() {
      await replica.stop();
      for (const hub of hubs) hub.stop();
      await bus.close();
    },
  };
}

const echo = (hub: Hub, principal: typeof alice, text = 'hi') => hub.callTool('echo_echo', { text }, { principal });

describe('tool rate limits shared by two hubs on Redis', () => {
  const clients: Redis[] = [];
  const keyPrefix = `test:ratelimit:${randomBytes(4).toString('hex')}`;
  const redisStore = (): RateLimitStore => {
    const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    clients.push(client);
    return { kind: 'redis', client, keyPrefix };
  };

  afterAll(async () => {
    const keys = await clients[0]!.keys(`${keyPrefix}*`);
    if (keys.length > 0) await clients[0]!.del(...keys);
    for (const client of clients) client.disconnect();
  });

  test('a principal gets its limit across both hubs, not once per hub; others keep theirs', async () => {
    const settings = RateLimitSettingsSchema.parse({ perPrincipalTool: { points: 3, durationSeconds: 60 } });
    const { hubs, stop } = await twoHubs(settings, redisStore);
    try {
      for (const hub of [hubs[0], hubs[1], hubs[0]]) expect((await echo(hub, alice)).isError).toBeFalsy();
      const refused = await echo(hubs[1], alice);
      expect(refused.isError).toBe(true);
      expect(refused.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/^Rate limit reached for your calls of echo_echo\. Retry after \d+ s\.$/) });
      expect(refused._meta?.[RETRY_AFTER_META_KEY]).toBeGreaterThan(0);
      expect(refused._meta?.[RETRY_AFTER_META_KEY]).toBeLessThanOrEqual(60_000);
      expect((await echo(hubs[0], alice)).isError).toBe(true);
      // Another principal, and another tool of the same principal, are counted apart.
      expect((await echo(hubs[0], bob)).isError).toBeFalsy();
      expect((await hubs[1].callTool('echo_whoami', {}, { principal: alice })).isError).toBeFalsy();
    } finally {
      await stop();
    }
  });

  test('a connector limit counts every principal together, and a refused call gives its principal point back', async () => {
    const settings = RateLimitSettingsSchema.parse({ perPrincipalTool: { points: 2, durationSeconds: 60 }, connectors: { echo: { perConnector: { points: 3, durationSeconds: 60 } } } });
    const { hubs, stop } = await twoHubs(settings, redisStore);
    try {
      expect((await echo(hubs[0], alice)).isError).toBeFalsy();
      expect((await echo(hubs[1], bob)).isError).toBeFalsy();
      expect((await hubs[0].callTool('echo_whoami', {}, { principal: bob })).isError).toBeFalsy();
      const refused = await echo(hubs[1], alice);
      expect(refused.content[0]).toMatchObject({ text: expect.stringContaining("calls of echo_echo's connector") });
      // Alice's second echo_echo point was given back: her own limit (2) is not what refused her.
      const key = JSON.stringify(['alice', 'echo_echo']);
      const counted = await clients[0]!.get(`${keyPrefix}:principal-tool:2:60:${key}`);
      expect(counted).toBe('1');
    } finally {
      await stop();
    }
  });

  test('embedded: counted in memory, per hub', async () => {
    const settings = RateLimitSettingsSchema.parse({ perPrincipalTool: { points: 1, durationSeconds: 60 } });
    const { hubs, stop } = await twoHubs(settings, () => ({ kind: 'memory' }));
    try {
      expect((await echo(hubs[0], alice)).isError).toBeFalsy();
      expect((await echo(hubs[0], alice)).isError).toBe(true);
      expect((await echo(hubs[1], alice)).isError).toBeFalsy();
    } finally {
      await stop();
    }
  });
});
