import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { namePrefixes } from './cli-config';
import { ConfigError, loadConfig } from './config-loader';

describe('loadConfig', () => {
  const file = (content: string) => {
    const p = path.join(mkdtempSync(path.join(tmpdir(), 'cfg-')), 'hub.json');
    writeFileSync(p, content);
    return p;
  };

  it('gives an embedded default with no file, env or flags', () => {
    const config = loadConfig({}, {});
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(config.nats.url).toBe('nats://127.0.0.1:4222');
    expect(config.principal).toEqual({ id: 'local', scopes: ['*'] });
  });

  it('layers file, then environment, then flags', () => {
    const p = file(JSON.stringify({ http: { port: 4000, host: '127.0.0.2' }, calls: { timeoutMs: 5000 } }));
    const config = loadConfig({ config: p, port: '4002' }, { PORT: '4001', NATS_URL: 'nats://n:4222' });
    expect(config.http).toMatchObject({ port: 4002, host: '127.0.0.2' });
    expect(config.nats.url).toBe('nats://n:4222');
    expect(config.calls.timeoutMs).toBe(5000);
  });

  it('reads connectors.<id>.prefix for the hub, and names a bad one', () => {
    const config = loadConfig({ config: file('{"connectors":{"fs":{"prefix":""},"everything":{"prefix":"ev"},"helpdesk":{}}}') }, {});
    expect(namePrefixes(config)).toEqual(new Map([['fs', ''], ['everything', 'ev']]));
    expect(() => loadConfig({ config: file('{"connectors":{"fs":{"prefix":"Bad-Prefix"}}}') }, {})).toThrow(/connectors\.fs\.prefix: prefix must be empty or match/);
  });

  it('names the bad key', () => {
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(/http\.port/);
    expect(() => loadConfig({ config: file('{"http":{"prot":1}}') }, {})).toThrow(/http.*prot/);
    expect(() => loadConfig({}, { LOG_LEVEL: 'loud' })).toThrow(/log\.level/);
    expect(() => loadConfig({ maxConcurrency: '0' }, {})).toThrow(/replica\.maxConcurrency/);
    expect(() => loadConfig({}, { MCP_HUB_MAX_QUEUED: '-1' })).toThrow(/replica\.maxQueued/);
  });

  it('turns long-running jobs on with REDIS_URL and checks the jobs section', () => {
    expect(loadConfig({}, {}).jobs.redisUrl).toBeUndefined();
    expect(loadConfig({}, { REDIS_URL: 'redis://r:6379' }).jobs).toMatchObject({ redisUrl: 'redis://r:6379', attempts: 3, concurrency: 1 });
    expect(() => loadConfig({ config: file('{"jobs":{"attempts":0}}') }, {})).toThrow(/jobs\.attempts/);
    expect(() => loadConfig({ config: file('{"jobs":{"retries":2}}') }, {})).toThrow(/jobs/);
  });

  it('reads the replica capacity from flags and the environment', () => {
    expect(loadConfig({}, {}).replica).toMatchObject({ maxQueued: 0 });
    expect(loadConfig({ maxConcurrency: '8' }, { MCP_HUB_MAX_QUEUED: '4' }).replica).toMatchObject({ maxConcurrency: 8, maxQueued: 4 });
  });

  it('reads the deployment namespace from the file, the environment and the flag, and refuses one that is not a subject token', () => {
    expect(loadConfig({}, {}).namespace).toBe('mcphub');
    expect(loadConfig({ config: file('{"namespace":"staging"}') }, {}).namespace).toBe('staging');
    expect(loadConfig({}, { MCP_HUB_NAMESPACE: 'team-a' }).namespace).toBe('team-a');
    expect(loadConfig({ namespace: 'team-b' }, { MCP_HUB_NAMESPACE: 'team-a' }).namespace).toBe('team-b');
    for (const bad of ['a.b', 'team*', 'Team', 'a >']) expect(() => loadConfig({ namespace: bad }, {})).toThrow(/namespace \(--namespace or MCP_HUB_NAMESPACE\): namespace must match/);
  });

  it('explains an unreadable file, invalid JSON with its position, and JSON that is not an object', () => {
    expect(() => loadConfig({ config: '/no/such/file.json' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ config: file('port: 3') }, {})).toThrow(/is not valid JSON: Unexpected token/);
    expect(() => loadConfig({ config: file('{\n  "http": { "port": 3 },\n}') }, {})).toThrow(/is not valid JSON: .*position 27 \(line 3, column 1\)/);
    expect(() => loadConfig({ config: file('[1]') }, {})).toThrow(/must hold a JSON object .*not an array/);
  });

  it('names the flag and the variable that set a bad value', () => {
    expect(() => loadConfig({ port: 'abc' }, {})).toThrow(/http\.port \(--port or PORT\): .*expected number/);
    expect(() => loadConfig({}, { PORT: '70000' })).toThrow(/http\.port \(--port or PORT\)/);
    expect(() => loadConfig({ waitForBus: 'soon' }, {})).toThrow(/nats\.waitSeconds \(--wait-for-bus or MCP_HUB_WAIT_FOR_BUS\)/);
  });

  it('refuses a NATS URL that is not host:port, naming --nats and the expected form', () => {
    for (const url of ['localhost:abc', 'nats://localhost:abc', 'http://localhost:4222', 'nats://a:4222,:x']) {
      expect(() => loadConfig({ nats: url }, {})).toThrow(/nats\.url \(--nats or NATS_URL\): expected nats:\/\/host:port/);
    }
    for (const url of ['localhost:4222', 'nats://10.0.0.1:4222, nats://10.0.0.2:4222', 'tls://user:pass@nats.example:4443']) {
      expect(loadConfig({ nats: url }, {}).nats.url).toBe(url);
    }
  });

  it('refuses an embedded connector listed twice', () => {
    expect(() => loadConfig({ config: file('{"embedded":{"connectors":["helpdesk","database","helpdesk"]}}') }, {})).toThrow(
      /embedded\.connectors: lists helpdesk more than once/,
    );
  });

  it('waits for NATS for ever unless told otherwise', () => {
    expect(loadConfig({}, {}).nats.waitSeconds).toBe(0);
    expect(loadConfig({ waitForBus: '30' }, {}).nats.waitSeconds).toBe(30);
    expect(loadConfig({}, { MCP_HUB_WAIT_FOR_BUS: '5' }).nats.waitSeconds).toBe(5);
  });

  it('keeps data in a per-user directory unless a flag, variable or file names one', () => {
    expect(loadConfig({}, { HOME: '/home/ann' }).dataDir).toBe('/home/ann/.local/share/mcp-hub');
    expect(loadConfig({}, { HOME: '/home/ann', MCP_HUB_DATA_DIR: '/srv/hub' }).dataDir).toBe('/srv/hub');
    expect(loadConfig({ dataDir: '/d' }, { MCP_HUB_DATA_DIR: '/srv/hub' }).dataDir).toBe('/d');
    expect(loadConfig({ config: file('{"dataDir":"/from/file"}') }, { HOME: '/home/ann' }).dataDir).toBe('/from/file');
  });

  it('takes trusted proxies as addresses or CIDR ranges, and names a bad one', () => {
    expect(loadConfig({ config: file('{"http":{"trustedProxies":["10.0.0.0/8","127.0.0.1","::1"]}}') }, {}).http.trustedProxies).toHaveLength(3);
    expect(() => loadConfig({ config: file('{"http":{"trustedProxies":["proxy.local"]}}') }, {})).toThrow(/http\.trustedProxies\.0: must be an IP address or a CIDR range/);
  });
});
