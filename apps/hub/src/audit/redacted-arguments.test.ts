import { Redactor } from '@mcp-hub/connector-kit';
import { canonicalHash } from '@mcp-hub/connector-contract';
import { redactedArguments } from './redacted-arguments';

const redactor = new Redactor();
const GITHUB_TOKEN = `ghp_${'a1B2'.repeat(9)}`;

describe('redacted arguments', () => {
  it('hashes the arguments as sent, whatever their key order', () => {
    const { argumentsHash } = redactedArguments({ b: 1, a: { password: 'x y z' } }, redactor);
    expect(argumentsHash).toBe(`sha256:${canonicalHash({ a: { password: 'x y z' }, b: 1 })}`);
  });

  it('masks whole values under secret-named keys, at any depth and in any spelling', () => {
    const args = { user: 'alice', password: 'correct horse battery', nested: [{ 'X-Api-Key': 'k-123456' }], clientSecret: { v: 'abc' }, githubToken: 'plain words', max_tokens: 100 };
    const { arguments: kept } = redactedArguments(args, redactor);
    expect(kept).toEqual({ user: 'alice', password: '[redacted]', nested: [{ 'X-Api-Key': '[redacted]' }], clientSecret: '[redacted]', githubToken: '[redacted]', max_tokens: 100 });
    expect(JSON.stringify(kept)).not.toMatch(/horse|k-123456|plain words/);
  });

  it('masks credential shapes the kit knows inside ordinary strings', () => {
    const { arguments: kept } = redactedArguments({ body: `deploy with ${GITHUB_TOKEN} now`, url: 'postgres://app:s3cr3tpw@db/x' }, redactor);
    expect(JSON.stringify(kept)).not.toContain(GITHUB_TOKEN);
    expect(JSON.stringify(kept)).not.toContain('s3cr3tpw');
  });

  it('masks values registered with the redactor', () => {
    const { arguments: kept } = redactedArguments({ note: 'the value is hunter2-long' }, new Redactor(['hunter2-long']));
    expect(kept).toEqual({ note: 'the value is [redacted]' });
  });

  it('keeps a prefix of the redacted JSON past the cap, and says so', () => {
    const big = { text: 'x'.repeat(10_000), password: 'p'.repeat(5000) };
    const kept = redactedArguments(big, redactor, 100);
    expect(kept.argumentsTruncated).toBe(true);
    expect(kept.arguments).toHaveLength(100);
    expect(kept.arguments as string).not.toContain('ppp');
    expect(redactedArguments({ a: 1 }, redactor, 100).argumentsTruncated).toBeUndefined();
  });
});
