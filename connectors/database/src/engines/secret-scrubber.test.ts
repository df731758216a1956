import { SecretScrubber } from './secret-scrubber';

describe('SecretScrubber', () => {
  it('removes the exact URL, the password (raw and encoded) and anything credential-shaped', () => {
    const scrubber = new SecretScrubber('postgres://app:p%40ss-w0rd@db.internal:5432/shop');
    expect(scrubber.scrub('failed for postgres://app:p%40ss-w0rd@db.internal:5432/shop')).toBe('failed for ***');
    expect(scrubber.scrub('password p@ss-w0rd rejected')).toBe('password p@ss-w0rd rejected'.replace('p@ss-w0rd', '***'));
    expect(scrubber.scrub('see mysql://root:hunter2@other/db')).toBe('see mysql://root:***@other/db');
    expect(scrubber.scrub('password=hunter2 host=x')).toBe('password=*** host=x');
  });
});
