import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { InProcessBus } from '@mcp-hub/bus';
import type { Hub } from '@mcp-hub/hub';
import { loadConfig } from '../src/config-loader';
import { startHub, stopHub } from '../src/hub-runtime';
import { connectorModuleFor, startConnector, type RunningConnector } from '../src/connector-runtime';
import { runKeysCreate } from '../src/commands/keys';
import { checkSigningKey } from '../src/doctor/connector-checks';
import { checkHubSecurity } from '../src/doctor/security-checks';
import { CommandFailure } from '../src/exit-codes';

class Text extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Signed manifests as a user sets them up: `mcp-hub keys create`, the configuration of both sides, `mcp-hub doctor`. */
describe('signed manifests from the command line', () => {
  let dir: string;
  const env = { PATH: process.env.PATH } as NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mcp-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keys create writes a pair (private 0600), prints both sides\' settings, and never overwrites', () => {
    const out = new Text();
    const keys = path.join(dir, 'keys');
    runKeysCreate('helpdesk', { out: keys }, out);
    const privateFile = path.join(keys, 'helpdesk.key.pem');
    const publicFile = path.join(keys, 'helpdesk.pub.pem');
    expect(statSync(privateFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(privateFile, 'utf8')).toContain('BEGIN PRIVATE KEY');
    expect(readFileSync(publicFile, 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect(out.text).toContain(`HELPDESK_SIGNING_KEY_FILE=${privateFile}`);
    expect(out.text).toContain(`MCP_HUB_CONNECTOR_KEYS=helpdesk=${publicFile}`);
    expect(out.text).not.toContain('BEGIN');
    const before = readFileSync(privateFile, 'utf8');
    expect(() => runKeysCreate('helpdesk', { out: keys }, new Text())).toThrow(/already exists/);
    expect(readFileSync(privateFile, 'utf8')).toBe(before);
    expect(() => runKeysCreate('Bad.Id', { out: keys }, new Text())).toThrow(CommandFailure);
  });

  it('a hub configured with a key accepts the connector that signs with it and refuses an unsigned one, by configuration alone', async () => {
    runKeysCreate('helpdesk', { out: dir }, new Text());
    const config = loadConfig(
      { dataDir: dir },
      { ...env, MCP_HUB_CONNECTOR_KEYS: `helpdesk=${path.join(dir, 'helpdesk.pub.pem')}`, HELPDESK_SIGNING_KEY_FILE: path.join(dir, 'helpdesk.key.pem') },
    );
    expect(config.signedManifests.keys).toEqual({ helpdesk: path.join(dir, 'helpdesk.pub.pem') });
    const bus = new InProcessBus();
    const logs = new Text();
    let hub: Hub | undefined;
    const running: RunningConnector[] = [];
    try {
      hub = await startHub(config, bus, pino({ level: 'info' }, logs));
      const options = { embedded: true, env: { ...env, HELPDESK_SIGNING_KEY_FILE: path.join(dir, 'helpdesk.key.pem') } };
      running.push(await startConnector(connectorModuleFor('helpdesk', config), config, bus, pino({ level: 'silent' }), options));
      running.push(await startConnector(connectorModuleFor('database', config), config, bus, pino({ level: 'silent' }), { embedded: true, env }));
      await until(() => hub!.inventory.replicaCount('helpdesk') === 1, 'helpdesk joining');
      await until(() => logs.text.includes('connector database refused'), 'database refused');
      expect(hub.inventory.replicaCount('database')).toBe(0);
      expect(logs.text).toMatch(/"connector":"database".*"reason":"no_key"/);
    } finally {
      for (const connector of running) await connector.stop();
      if (hub) await stopHub(hub);
      await bus.close();
    }
  });

  it('MCP_HUB_REQUIRE_SIGNED_MANIFESTS=false turns the requirement off; a bad key path stops the hub with the setting named', async () => {
    runKeysCreate('helpdesk', { out: dir }, new Text());
    const relaxed = loadConfig({ dataDir: dir }, { ...env, MCP_HUB_CONNECTOR_KEYS: `helpdesk=${path.join(dir, 'helpdesk.pub.pem')}`, MCP_HUB_REQUIRE_SIGNED_MANIFESTS: 'false' });
    expect(relaxed.signedManifests.required).toBe(false);
    const broken = loadConfig({ dataDir: dir }, { ...env, MCP_HUB_CONNECTOR_KEYS: `helpdesk=${path.join(dir, 'missing.pub.pem')}` });
    await expect(startHub(broken, new InProcessBus(), pino({ level: 'silent' }))).rejects.toThrow(/signedManifests\.keys\.helpdesk \(MCP_HUB_CONNECTOR_KEYS\): .*missing\.pub\.pem/);
    expect(() => loadConfig({ dataDir: dir }, { ...env, MCP_HUB_CONNECTOR_KEYS: 'not an id' })).toThrow(/signedManifests\.keys/);
  });

  it('doctor: the hub warns without keys and fails on a private key given as public; a connector\'s key must match the hub\'s', async () => {
    runKeysCreate('helpdesk', { out: dir }, new Text());
    const hubCheck = async (keys?: string) => (await checkHubSecurity(loadConfig({ dataDir: dir }, { ...env, ...(keys && { MCP_HUB_CONNECTOR_KEYS: keys }) }))).find((c) => c.name === 'connector manifest keys');
    expect(await hubCheck()).toMatchObject({ status: 'warn', fix: expect.stringContaining('mcp-hub keys create') });
    expect(await hubCheck(`helpdesk=${path.join(dir, 'helpdesk.pub.pem')}`)).toMatchObject({ status: 'ok', detail: expect.stringContaining('connectors without a key are refused') });
    expect(await hubCheck(`helpdesk=${path.join(dir, 'helpdesk.key.pem')}`)).toMatchObject({ status: 'fail' });

    const other = path.join(dir, 'other.key.pem');
    writeFileSync(other, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const withHubKey = loadConfig({ dataDir: dir }, { ...env, MCP_HUB_CONNECTOR_KEYS: `helpdesk=${path.join(dir, 'helpdesk.pub.pem')}` });
    expect(checkSigningKey('helpdesk', withHubKey, env)).toMatchObject({ status: 'warn' });
    expect(checkSigningKey('helpdesk', withHubKey, { ...env, HELPDESK_SIGNING_KEY_FILE: path.join(dir, 'helpdesk.key.pem') })).toMatchObject({ status: 'ok', detail: expect.stringContaining('matches') });
    expect(checkSigningKey('helpdesk', withHubKey, { ...env, HELPDESK_SIGNING_KEY_FILE: other })).toMatchObject({ status: 'fail', detail: expect.stringContaining('does not match') });
    expect(checkSigningKey('helpdesk', withHubKey, { ...env, HELPDESK_SIGNING_KEY_FILE: path.join(dir, 'helpdesk.pub.pem') })).toMatchObject({ status: 'fail' });
  });
});
