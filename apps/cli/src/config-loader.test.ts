import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

  it('names the bad key', () => {
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(/http\.port/);
    expect(() => loadConfig({ config: file('{"http":{"prot":1}}') }, {})).toThrow(/http.*prot/);
    expect(() => loadConfig({}, { LOG_LEVEL: 'loud' })).toThrow(/log\.level/);
    expect(() => loadConfig({ maxConcurrency: '0' }, {})).toThrow(/replica\.maxConcurrency/);
    expect(() => loadConfig({}, { MCP_HUB_MAX_QUEUED: '-1' })).toThrow(/replica\.maxQueued/);
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
    for (const bad of ['a.b', 'team*', 'Team', 'a >']) expect(() => loadConfig({ namespace: bad }, {})).toThrow(/namespace: namespace must match/);
  });

  it('explains an unreadable or non-JSON file', () => {
    expect(() => loadConfig({ config: '/no/such/file.json' }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ config: file('port: 3') }, {})).toThrow(/not a JSON object/);
  });
});
