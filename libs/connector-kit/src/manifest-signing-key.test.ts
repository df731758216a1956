import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConnectorConfigError } from './connector-config';
import { readManifestSigningKey } from './manifest-signing-key';

describe('readManifestSigningKey', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'signing-key-'));
  const pem = (key: ReturnType<typeof generateKeyPairSync>['privateKey']) => key.export({ type: 'pkcs8', format: 'pem' }) as string;
  const fromFileKey = generateKeyPairSync('ed25519').privateKey;
  const fromEnvKey = generateKeyPairSync('ed25519').privateKey;
  const fileKeyPath = path.join(dir, 'file.key.pem');
  const envKeyPath = path.join(dir, 'env.key.pem');
  writeFileSync(fileKeyPath, pem(fromFileKey));
  writeFileSync(envKeyPath, pem(fromEnvKey));

  it('is undefined when nothing names a key (the manifest goes out unsigned)', () => {
    expect(readManifestSigningKey('slack', { env: {} })).toBeUndefined();
    expect(readManifestSigningKey('slack', { env: { SLACK_SIGNING_KEY_FILE: '' }, fromFile: {} })).toBeUndefined();
  });

  it('reads the file connectors.<id>.signingKeyFile names', () => {
    const key = readManifestSigningKey('slack', { env: {}, fromFile: { signingKeyFile: fileKeyPath } });
    expect(key?.equals(fromFileKey)).toBe(true);
  });

  it('<ID>_SIGNING_KEY_FILE wins over the file section', () => {
    const key = readManifestSigningKey('slack', { env: { SLACK_SIGNING_KEY_FILE: envKeyPath }, fromFile: { signingKeyFile: fileKeyPath } });
    expect(key?.equals(fromEnvKey)).toBe(true);
  });

  it('names the setting when the file is missing', () => {
    expect(() => readManifestSigningKey('slack', { env: { SLACK_SIGNING_KEY_FILE: path.join(dir, 'nope.pem') } })).toThrow(/^SLACK_SIGNING_KEY_FILE: .*nope\.pem/);
  });

  it('refuses a public key, a key of another type and something that is not a key, without quoting the file', () => {
    const publicPath = path.join(dir, 'public.pem');
    writeFileSync(publicPath, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    const ecPath = path.join(dir, 'ec.pem');
    writeFileSync(ecPath, pem(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey));
    const junkPath = path.join(dir, 'junk.pem');
    writeFileSync(junkPath, 'secret-looking-text');
    const read = (file: string) => () => readManifestSigningKey('github', { env: {}, fromFile: { signingKeyFile: file } });
    expect(read(publicPath)).toThrow(ConnectorConfigError);
    expect(read(ecPath)).toThrow(/connectors\.github\.signingKeyFile: .* holds a ec key; manifests are signed with Ed25519/);
    expect(read(junkPath)).toThrow(/^connectors\.github\.signingKeyFile: /);
    expect(read(junkPath)).not.toThrow(/secret-looking-text/);
  });

  it('refuses a setting that is not a path', () => {
    expect(() => readManifestSigningKey('github', { env: {}, fromFile: { signingKeyFile: 42 } })).toThrow(/must be the path of a PEM file/);
  });
});
