import { generateKeyPairSync } from 'node:crypto';
import { TEST_TOKEN, startGithub } from './github-testbed';

const spent = (resetInS: number) => ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetInS) });

describe('github upstream failures', () => {
  it('a spent primary rate limit whose reset is past the deadline is rate_limited at once, with the wait', async () => {
    const bed = await startGithub();
    try {
      bed.fake.failNext('GET', '/repos/acme/app', { status: 403, headers: spent(600), body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' } });
      const started = Date.now();
      const failure = await bed.failure('get_repository', { owner: 'acme', repo: 'app' });
      expect(failure.kind).toBe('rate_limited');
      expect(failure.retryAfterMs).toBeGreaterThan(500_000);
      expect(failure.message).toContain('API rate limit exceeded');
      expect(Date.now() - started).toBeLessThan(4000);
      expect(bed.fake.requests).toHaveLength(1);
    } finally {
      await bed.stop();
    }
  });

  it('a secondary limit (429) with a short Retry-After is waited out within the deadline and retried once', async () => {
    const bed = await startGithub();
    const secondary = { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' };
    try {
      bed.fake.failNext('GET', '/repos/acme/app', { status: 429, headers: { 'retry-after': '1' }, body: secondary });
      expect((await bed.call('get_repository', { owner: 'acme', repo: 'app' })).repository.full_name).toBe('acme/app');
      expect(bed.fake.requests).toHaveLength(2);
      bed.fake.failNext('GET', '/repos/acme/app', { status: 429, headers: { 'retry-after': '1' }, body: secondary }, 2);
      expect(await bed.failure('get_repository', { owner: 'acme', repo: 'app' })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 1000 });
    } finally {
      await bed.stop();
    }
  });

  it('a secondary rate limit without Retry-After is rate_limited with GitHub\'s advised minute', async () => {
    const bed = await startGithub({ throttle: { writeIntervalMs: 0, searchIntervalMs: 0, retryAfterUnitMs: 1000 } });
    try {
      bed.fake.failNext('GET', '/search/issues', { status: 403, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } });
      expect(await bed.failure('search_issues', { query: 'crash' })).toMatchObject({ kind: 'rate_limited', retryAfterMs: 60_000 });
    } finally {
      await bed.stop();
    }
  });

  it('retries a 502 of a read but never of a write, which may have acted', async () => {
    const bed = await startGithub({ writeMode: true });
    try {
      bed.fake.failNext('GET', '/repos/acme/app', { status: 502, body: { message: 'Server Error' } });
      expect((await bed.call('get_repository', { owner: 'acme', repo: 'app' })).repository.full_name).toBe('acme/app');
      bed.fake.failNext('POST', '/repos/acme/app/issues', { status: 502, body: { message: 'Server Error' } });
      expect((await bed.failure('create_issue', { owner: 'acme', repo: 'app', title: 't' })).kind).toBe('upstream');
      expect(bed.fake.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    } finally {
      await bed.stop();
    }
  });

  it('maps 404 to not_found, 422 to invalid_arguments, and bad credentials to unauthorized without the token', async () => {
    const bed = await startGithub({ writeMode: true, auth: { kind: 'token', token: 'ghp_wrongtoken0123456789abcdefghijkl' } });
    try {
      const failure = await bed.failure('get_me', {});
      expect(failure.kind).toBe('unauthorized');
      expect(failure.message).toContain('Bad credentials');
      expect(failure.message).not.toContain('ghp_wrong');
      expect(bed.logs.join('')).not.toContain('ghp_wrong');
    } finally {
      await bed.stop();
    }
    const good = await startGithub({ writeMode: true });
    try {
      expect((await good.failure('get_issue', { owner: 'acme', repo: 'app', issue_number: 99 })).kind).toBe('not_found');
      expect((await good.failure('update_issue', { owner: 'acme', repo: 'docs', issue_number: 99, title: 'x' })).kind).toBe('not_found');
      good.fake.failNext('PATCH', '/repos/acme/app/issues/1', { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Issue', code: 'invalid', field: 'labels' }] } });
      expect((await good.failure('update_issue', { owner: 'acme', repo: 'app', issue_number: 1, labels: ['x'] })).kind).toBe('invalid_arguments');
      expect(good.logs.join('')).not.toContain(TEST_TOKEN);
    } finally {
      await good.stop();
    }
  });

  it('authenticates as a GitHub App installation: a signed JWT buys an installation token, used for the call', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const bed = await startGithub({ auth: { kind: 'app', appId: '123', privateKey, installationId: '456' } });
    try {
      expect((await bed.call('get_repository', { owner: 'acme', repo: 'app' })).repository.full_name).toBe('acme/app');
      const [tokenRequest, call] = bed.fake.requests;
      expect(tokenRequest).toMatchObject({ method: 'POST', path: '/app/installations/456/access_tokens' });
      expect(tokenRequest!.authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/i);
      expect(call!.authorization).toMatch(/^token ghs_/);
      expect(bed.logs.join('')).not.toContain('PRIVATE KEY');
    } finally {
      await bed.stop();
    }
  });
});
