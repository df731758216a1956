import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GithubConfigSchema, githubConfigFromEnv } from './config';
import { RepoAllowlist } from './repo-allowlist';

describe('github configuration', () => {
  it('reads a token, the allowlist, the base URL and Redis from the environment', () => {
    const config = GithubConfigSchema.parse(
      githubConfigFromEnv({ GITHUB_TOKEN: 'ghp_x', GITHUB_REPOSITORIES: 'acme/app, acme/* ', GITHUB_BASE_URL: 'https://ghe.example.com/api/v3', GITHUB_REDIS_URL: 'redis://r:6379' }),
    );
    expect(config).toMatchObject({ auth: { kind: 'token', token: 'ghp_x' }, repositories: ['acme/app', 'acme/*'], baseUrl: 'https://ghe.example.com/api/v3', idempotency: { kind: 'redis', url: 'redis://r:6379' }, pageSize: 30 });
  });

  it('reads a GitHub App from the environment, its key from a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gh-key-'));
    try {
      writeFileSync(path.join(dir, 'key.pem'), '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n');
      const env = { GITHUB_APP_ID: '12', GITHUB_APP_PRIVATE_KEY_FILE: path.join(dir, 'key.pem'), GITHUB_APP_INSTALLATION_ID: '34', GITHUB_REPOSITORIES: 'acme/app' };
      expect(GithubConfigSchema.parse(githubConfigFromEnv(env)).auth).toEqual({ kind: 'app', appId: '12', privateKey: expect.stringContaining('abc'), installationId: 34 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses unknown keys, a bad base URL and malformed allowlist entries', () => {
    const base = { auth: { kind: 'token', token: 't' }, repositories: ['acme/app'] };
    expect(GithubConfigSchema.safeParse({ ...base, repos: [] }).success).toBe(false);
    expect(GithubConfigSchema.safeParse({ ...base, baseUrl: 'ftp://x' }).success).toBe(false);
    for (const entry of ['acme', 'acme/app/x', '-acme/app', 'acme/..', '*/*', 'acme/ap p']) expect(GithubConfigSchema.safeParse({ ...base, repositories: [entry] }).success).toBe(false);
  });
});

describe('repository allowlist', () => {
  const allowlist = new RepoAllowlist(['acme/app', 'Octo/*']);

  it('allows listed repositories and every repository of a listed owner, without case', () => {
    expect(allowlist.allows('ACME', 'App')).toBe(true);
    expect(allowlist.allows('octo', 'anything')).toBe(true);
    expect(allowlist.allows('acme', 'other')).toBe(false);
    expect(allowlist.allowsFullName('acme/app/extra')).toBe(false);
    expect(allowlist.searchQualifiers()).toBe('repo:acme/app user:octo');
  });

  it('refuses anything else as forbidden, naming what is allowed', () => {
    expect(() => allowlist.check('evil', 'private')).toThrow(expect.objectContaining({ kind: 'forbidden', message: expect.stringContaining('acme/app, octo/*') }));
  });
});
