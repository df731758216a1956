import { randomBytes } from 'node:crypto';
import { startGithub } from './github-testbed';

/** Two replicas sharing Redis (the machine's, on 6379) under a key prefix of their own. */
describe('github idempotency keys across replicas', () => {
  it('a write repeated on another replica with the same key is answered from the first, and acts once', async () => {
    const config = { writeMode: true, idempotency: { kind: 'redis', url: 'redis://127.0.0.1:6379', keyPrefix: `test:github:${randomBytes(6).toString('hex')}:` } };
    const first = await startGithub(config);
    const second = await startGithub(config, undefined, first.fake);
    try {
      const args = { owner: 'acme', repo: 'app', title: 'Once only', idempotency_key: 'ticket-42' };
      const created = await first.harness.callTool('create_issue', args, { timeoutMs: 5000 });
      const repeated = await second.harness.callTool('create_issue', args, { timeoutMs: 5000 });
      expect(repeated.structuredContent).toEqual(created.structuredContent);
      expect(repeated._meta).toEqual({ 'mcphub/replayed': true });
      expect(first.fake.repos.get('acme/app')!.issues.map((i) => i.title)).toEqual(['Once only']);
      expect((await second.failure('create_issue', { ...args, title: 'Other' })).kind).toBe('conflict');
      expect(first.logs.join('')).not.toContain('redis://127.0.0.1:6379');
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});
