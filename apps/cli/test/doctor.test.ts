import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { NatsBus } from '@mcp-hub/bus';
import { freePort } from '@mcp-hub/bus/testing';
import { runConnector } from '@mcp-hub/connector-kit';
import { createEchoConnector } from '@mcp-hub/connector-kit/testing';
import { doctorChecks } from '../src/commands/doctor';
import type { DoctorCheck } from '../src/doctor/doctor-check';
import { repoRoot } from './support/cli-process';

const run = promisify(execFile);
const byName = (checks: DoctorCheck[]) => Object.fromEntries(checks.map((c) => [c.name, c]));

/** `mcp-hub doctor`: each check against the real thing it checks, working and broken. */
describe('mcp-hub doctor', () => {
  let dataDir: string;
  const env = { PATH: process.env.PATH } as NodeJS.ProcessEnv;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mcp-doctor-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('start: a fresh setup passes, and every embedded connector opens', async () => {
    const checks = byName(await doctorChecks('start', { dataDir, port: String(await freePort()) }, env));
    expect(checks).toMatchObject({
      node: { status: 'ok' },
      configuration: { status: 'ok', detail: 'defaults (no file)' },
      'data directory': { status: 'ok' },
      'http port': { status: 'ok' },
      'connector helpdesk': { status: 'ok', detail: expect.stringContaining(' tools, ') },
      'connector database': { status: 'ok' },
    });
  });

  it('a configuration that does not load fails with the key named, and nothing else is tried', async () => {
    const file = path.join(dataDir, 'hub.json');
    writeFileSync(file, JSON.stringify({ http: { port: 'eighty' } }));
    const checks = await doctorChecks('hub', { config: file }, env);
    expect(byName(checks).configuration).toMatchObject({ status: 'fail', detail: expect.stringContaining('http.port'), fix: expect.any(String) });
    expect(checks.at(-1)).toMatchObject({ status: 'skip' });
  });

  it('hub: an unreachable NATS and Redis fail, each with how to fix it', async () => {
    const [natsPort, redisPort] = [await freePort(), await freePort()];
    const checks = byName(await doctorChecks('hub', { nats: `nats://127.0.0.1:${natsPort}`, port: '0' }, { ...env, REDIS_URL: `redis://:s3cret-redis@127.0.0.1:${redisPort}` }));
    expect(checks.nats).toMatchObject({ status: 'fail', fix: expect.stringContaining('NATS_URL') });
    expect(checks['connectors on the bus']).toMatchObject({ status: 'skip' });
    expect(checks['session store']).toMatchObject({ status: 'fail', fix: expect.stringContaining('REDIS_URL') });
    expect(JSON.stringify(checks)).not.toContain('s3cret-redis');
  });

  it('hub: on the real NATS, it lists the connector replicas that answer discovery in its namespace, and warns when none do', async () => {
    const namespace = `doctor${process.pid}x${Math.floor(Math.random() * 1e6)}`;
    const flags = { namespace, port: '0' };
    expect(byName(await doctorChecks('hub', flags, env))['connectors on the bus']).toMatchObject({ status: 'warn', fix: expect.stringContaining('mcp-hub connector') });

    const bus = await NatsBus.connect({ servers: 'nats://127.0.0.1:4222', name: 'doctor-test' });
    const echo = await runConnector(createEchoConnector('echo'), { bus, deps: { aborted: [] }, logger: pino({ level: 'silent' }), namespace, heartbeatMs: 500 });
    try {
      const checks = byName(await doctorChecks('hub', flags, env));
      expect(checks.nats).toMatchObject({ status: 'ok' });
      expect(checks['session store']).toMatchObject({ status: 'ok' });
      expect(checks['connectors on the bus']).toMatchObject({ status: 'ok', detail: 'echo (1 replica)' });
    } finally {
      await echo.stop();
      await bus.close();
    }
  });

  it('connector: a database that cannot be reached fails with the reason, and its password never shows', async () => {
    const port = await freePort();
    const sources = [{ name: 'crm', engine: 'postgres', connection: { urlEnv: 'DOCTOR_CRM_URL' } }];
    // The database connector reads a source's URL from the process environment when it opens it.
    process.env.DOCTOR_CRM_URL = `postgres://app:pw-8c1d@127.0.0.1:${port}/crm`;
    let checks: Record<string, DoctorCheck>;
    try {
      checks = byName(await doctorChecks('database', { nats: `nats://127.0.0.1:${await freePort()}` }, { ...env, DATABASE_SOURCES_JSON: JSON.stringify(sources) }));
    } finally {
      delete process.env.DOCTOR_CRM_URL;
    }
    expect(checks['connector database']).toMatchObject({ status: 'fail', detail: expect.stringContaining('cannot connect to crm'), fix: expect.stringContaining('connectors.database') });
    expect(JSON.stringify(checks)).not.toContain('pw-8c1d');
  });

  it('hub: authentication, keys, issuers and policy files, each with how to fix it', async () => {
    const open = byName(await doctorChecks('hub', { host: '0.0.0.0', port: '0', nats: `nats://127.0.0.1:${await freePort()}` }, env));
    expect(open.authentication).toMatchObject({ status: 'fail', detail: expect.stringContaining('without authentication') });
    expect(open['principal signing key']).toMatchObject({ status: 'warn' });
    expect(open.policy).toMatchObject({ status: 'warn' });

    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyFile = path.join(dataDir, 'hub-token.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const notAKey = path.join(dataDir, 'not-a-key.pem');
    writeFileSync(notAKey, 'hello');
    const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'EdDSA' }] });
    const { createServer } = await import('node:http');
    const issuerServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => issuerServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(issuerServer.address() as import('node:net').AddressInfo).port}/jwks`;
    const deadUrl = `http://127.0.0.1:${await freePort()}/jwks`;
    const file = path.join(dataDir, 'hub.json');
    try {
      writeFileSync(
        file,
        JSON.stringify({
          auth: { hubTokens: { keyFile }, issuers: [{ issuer: 'https://good.example', jwksUrl }, { issuer: 'https://dead.example', jwksUrl: deadUrl }] },
          assertions: { signingKeyFile: notAKey },
          policy: { files: [path.join(dataDir, 'missing.cedar')], required: true },
        }),
      );
      const checks = byName(await doctorChecks('hub', { config: file, port: '0', nats: `nats://127.0.0.1:${await freePort()}` }, env));
      expect(checks.authentication).toMatchObject({ status: 'ok' });
      expect(checks['issuer https://good.example']).toMatchObject({ status: 'ok', detail: 'JWKS answers with 1 key(s)' });
      expect(checks['issuer https://dead.example']).toMatchObject({ status: 'fail', fix: expect.stringContaining('jwksUrl') });
      expect(checks['principal signing key']).toMatchObject({ status: 'fail' });
      expect(checks.policy).toMatchObject({ status: 'fail', detail: expect.stringContaining('missing.cedar') });
      expect(JSON.stringify(checks)).not.toContain('PRIVATE KEY');
    } finally {
      issuerServer.close();
    }
  });

  it('an unknown connector id is a failed check naming the built-in ones', async () => {
    const checks = byName(await doctorChecks('nosuch', {}, env));
    expect(checks['connector nosuch']).toMatchObject({ status: 'fail', detail: expect.stringContaining('helpdesk') });
  });

  it('the binary exits 1 when a check fails and prints the checks as JSON with --json', async () => {
    const failure = await run(process.execPath, [path.join(repoRoot, 'bin/mcp-hub'), 'doctor', 'hub', '--json', '--nats', `nats://127.0.0.1:${await freePort()}`, '--port', '0'], { cwd: repoRoot }).catch((e: unknown) => e as { code: number; stdout: string });
    expect(failure).toMatchObject({ code: 1 });
    const report = JSON.parse((failure as { stdout: string }).stdout) as { ok: boolean; checks: DoctorCheck[] };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'nats')).toMatchObject({ status: 'fail' });
  }, 30_000);
});
