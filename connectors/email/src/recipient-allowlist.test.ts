import { RecipientAllowlist } from './recipient-allowlist';

describe('recipient allowlist', () => {
  const list = new RecipientAllowlist(['example.com', '@corp.example', 'Pat@partner.test']);

  it('allows whole domains, case-insensitively, but not their subdomains or look-alikes', () => {
    expect(list.allows('anyone@example.com')).toBe(true);
    expect(list.allows('anyone@EXAMPLE.COM')).toBe(true);
    expect(list.allows('x@corp.example')).toBe(true);
    expect(list.allows('x@sub.example.com')).toBe(false);
    expect(list.allows('x@example.com.evil.test')).toBe(false);
    expect(list.allows('x@notexample.com')).toBe(false);
  });

  it('allows single addresses: exact local part, any case of domain', () => {
    expect(list.allows('Pat@partner.test')).toBe(true);
    expect(list.allows('Pat@PARTNER.test')).toBe(true);
    expect(list.allows('pat@partner.test')).toBe(false);
    expect(list.allows('other@partner.test')).toBe(false);
  });

  it('refuses a message naming every recipient outside the list, and allows no one when empty', () => {
    expect(() => list.check(['a@example.com', 'b@evil.test', 'c@evil.test', 'b@evil.test'])).toThrow(/b@evil\.test, c@evil\.test\. /);
    expect(() => list.check(['a@example.com'])).not.toThrow();
    expect(() => new RecipientAllowlist([]).check(['a@example.com'])).toThrow(expect.objectContaining({ kind: 'forbidden' }));
  });
});
