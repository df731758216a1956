import { freePort, RedisServerProcess } from '@mcp-hub/bus/testing';
import { InMemoryRevocationList, RevocationListUnavailable, type RevocationList } from '../src/auth/revocation-list';
import { RedisRevocationList } from '../src/auth/redis-revocation-list';

let redis: RedisServerProcess;
const opened: RevocationList[] = [];
beforeAll(async () => {
  redis = await RedisServerProcess.start();
});
afterAll(async () => {
  for (const list of opened) await list.close();
  await redis?.stop();
});

const lists: Array<[string, () => RevocationList]> = [
  ['in memory', () => new InMemoryRevocationList()],
  ['in Redis', () => new RedisRevocationList({ url: redis.url, keyPrefix: `test:${process.pid}:` })],
];

describe.each(lists)('revocation list %s', (_name, open) => {
  let list: RevocationList;
  beforeEach(() => {
    list = open();
    opened.push(list);
  });

  it('holds a revoked id until the token would have expired, and no longer', async () => {
    const id = `jti-${Date.now()}-${Math.random()}`;
    expect(await list.isRevoked(id)).toBe(false);
    await list.revoke(id, Date.now() + 1200);
    expect(await list.isRevoked(id)).toBe(true);
    expect(await list.isRevoked(`${id}-other`)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await list.isRevoked(id)).toBe(false);
  });
});

it('a Redis list that cannot be reached reports it, so the hub refuses the token instead of waving it through', async () => {
  const list = new RedisRevocationList({ url: `redis://127.0.0.1:${await freePort()}` });
  try {
    await expect(list.isRevoked('any')).rejects.toBeInstanceOf(RevocationListUnavailable);
  } finally {
    await list.close();
  }
});
