import fc from 'fast-check';
import { Redactor } from './redactor';

const MASK = Redactor.MASK;

describe('Redactor', () => {
  it('masks registered secrets in every form, and the password of a registered URL', () => {
    const redactor = new Redactor(['postgres://app:s3cr%2Ft@db.internal/helpdesk', 'xyz-api-key-123']);
    expect(redactor.redact('connect postgres://app:s3cr%2Ft@db.internal/helpdesk failed')).toBe(`connect ${MASK} failed`);
    expect(redactor.redact('password s3cr/t rejected')).not.toContain('s3cr/t');
    expect(redactor.redact('"key":"xyz-api-key-123"')).toBe(`"key":"${MASK}"`);
    expect(redactor.redact('q=xyz-api-key-123&x')).toBe(`q=${MASK}&x`);
  });

  it('masks credential shapes it was never told about', () => {
    const cases: Array<[string, string]> = [
      ['mysql://root:hunter2@10.0.0.1:3306/db', 'hunter2'],
      ['error: password=hunter22 for user app', 'hunter22'],
      ['{"api_key": "k-123456789"}', 'k-123456789'],
      ['Authorization: Bearer abc.def.ghijklmnop', 'abc.def.ghijklmnop'],
      ['token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
      ['bot xoxb-123456789012-abcdefghij', 'xoxb-123456789012-abcdefghij'],
      ['key AKIAIOSFODNN7EXAMPLE in use', 'AKIAIOSFODNN7EXAMPLE'],
      ['sk-proj-abcdefghijklmnopqrstuvwx', 'sk-proj-abcdefghijklmnopqrstuvwx'],
      ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'eyJzdWIiOiIxIn0'],
      ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', 'MIIEow'],
    ];
    const redactor = new Redactor();
    for (const [text, secret] of cases) {
      const redacted = redactor.redact(text);
      expect({ text, redacted, leaked: redacted.includes(secret) }).toMatchObject({ leaked: false });
      expect(redacted).toContain(MASK);
    }
  });

  it('leaves ordinary text alone', () => {
    const text = 'Ticket 42: the password reset page at https://example.com/reset is slow; see ticket 41.';
    expect(new Redactor(['abc']).redact(text)).toBe(text);
  });

  it('never lets a registered secret through, wherever it sits in any text', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 6, maxLength: 40 }), fc.string(), fc.string(), (secret, before, after) => {
        const redactor = new Redactor([secret]);
        expect(redactor.redact(`${before}${secret}${after}`)).not.toContain(secret);
      }),
    );
  });

  it('redacts strings deep in results, keys included, and reduces errors to their message', () => {
    const redactor = new Redactor(['topsecret']);
    expect(redactor.redactDeep({ a: ['x topsecret', { topsecret: 1, n: 2 }] })).toEqual({ a: [`x ${MASK}`, { [MASK]: 1, n: 2 }] });
    const error = new Error('login topsecret refused');
    expect(redactor.messageOf(error)).toBe(`login ${MASK} refused`);
  });

  it('takes time linear in the length of adversarial text', () => {
    const redactor = new Redactor(['registered-secret']);
    const adversarial = (n: number) => ['://'.repeat(n), 'a://b:'.repeat(n), '-----BEGIN '.repeat(n), 'password='.repeat(n), 'eyJ'.repeat(n), 'ghp_'.repeat(n)].join('');
    const time = (n: number) => {
      const text = adversarial(n);
      const started = process.hrtime.bigint();
      for (let i = 0; i < 3; i++) redactor.redact(text);
      return Number(process.hrtime.bigint() - started);
    };
    time(2000); // warm up
    const small = time(5000);
    const large = time(40_000);
    // 8× the input: linear work takes ~8×, quadratic ~64×.
    expect(large / small).toBeLessThan(24);
  });
});
