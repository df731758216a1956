import { argumentsHash } from './arguments-hash';
import { argumentsSummary } from './arguments-summary';

describe('argumentsSummary', () => {
  it('shows each argument on its own line, nested values compact', () => {
    expect(argumentsSummary({ to: ['a@example.com', 'b@example.com'], subject: 'Hi', draft: false, meta: { priority: 2 } })).toBe(
      'to: ["a@example.com", "b@example.com"]\nsubject: "Hi"\ndraft: false\nmeta: {"priority": 2}',
    );
    expect(argumentsSummary({})).toBe('(no arguments)');
  });

  it('never shows a credential: secret-named arguments masked, token shapes redacted at any depth', () => {
    const github = `ghp_${'a'.repeat(36)}`;
    const summary = argumentsSummary({ password: 'hunter2', headers: { Authorization: 'Bearer abcdefghijkl', api_key: 'k-123456' }, body: `use ${github} please`, urls: ['https://bob:s3cr3t@example.com/x'] });
    for (const secret of ['hunter2', 'abcdefghijkl', 'k-123456', github, 's3cr3t']) expect(summary).not.toContain(secret);
    expect(summary).toContain('password: [redacted]');
    expect(summary).toContain('use [redacted] please');
  });

  it('cuts long values, long lists, deep nesting and the whole', () => {
    const summary = argumentsSummary({ text: 'x'.repeat(1000), list: Array.from({ length: 25 }, (_, i) => i), deep: { a: { b: { c: { d: { e: 1 } } } } } });
    expect(summary).toContain(`"${'x'.repeat(200)}… (800 more characters)"`);
    expect(summary).toContain('… 15 more]');
    expect(summary).toContain('{…}');
    const huge = argumentsSummary(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, 'y'.repeat(300)])));
    expect(huge.length).toBeLessThan(2600);
    expect(huge).toMatch(/… \(cut\)$/);
  });
});

describe('argumentsHash', () => {
  it('is the same for any key order and differs for any other value', () => {
    expect(argumentsHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(argumentsHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
    expect(argumentsHash({ a: 1 })).not.toBe(argumentsHash({ a: '1' }));
    expect(argumentsHash({ a: [1, 2] })).not.toBe(argumentsHash({ a: [2, 1] }));
    expect(argumentsHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});
