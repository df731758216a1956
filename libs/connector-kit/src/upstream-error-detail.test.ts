import fc from 'fast-check';
import { Redactor } from './redactor';
import { MAX_DETAIL_CHARS, upstreamErrorDetail } from './upstream-error-detail';

const SECRET = 'plain-secret-0042';
const redactor = new Redactor([SECRET]);

describe('upstreamErrorDetail', () => {
  it('finds the message in the JSON error shapes of common APIs', () => {
    expect(upstreamErrorDetail('{"message":"Bad credentials","documentation_url":"https://x"}', 'application/json', redactor)).toBe('Bad credentials');
    expect(upstreamErrorDetail('{"ok":false,"error":"invalid_auth"}', 'application/json', redactor)).toBe('invalid_auth');
    expect(upstreamErrorDetail('{"error":{"code":400,"message":"Invalid to address"}}', 'application/json', redactor)).toBe('Invalid to address');
    expect(upstreamErrorDetail('{"title":"Not Found","detail":"No such mailbox"}', 'application/problem+json', redactor)).toBe('No such mailbox: Not Found');
    expect(upstreamErrorDetail('plain words\n\n here', 'text/plain', redactor)).toBe('plain words here');
  });

  it('says nothing for an empty body or an HTML error page', () => {
    expect(upstreamErrorDetail('', null, redactor)).toBeUndefined();
    expect(upstreamErrorDetail('<html><body>502 Bad Gateway</body></html>', 'text/html', redactor)).toBeUndefined();
  });

  it('never shows a registered secret, wherever the cut falls, and stays short', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.string({ unit: 'binary', maxLength: 600 }), (before, after) => {
        const detail = upstreamErrorDetail(`${before}${SECRET}${after}`, 'text/plain', redactor) ?? '';
        return !detail.includes(SECRET) && !detail.includes(SECRET.slice(0, 8)) && detail.length <= MAX_DETAIL_CHARS;
      }),
      { numRuns: 200 },
    );
  });

  it('redacts secrets that cleaning reveals or would alter', () => {
    const both = new Redactor([SECRET, 'other-secret-key']);
    // Cleaning decodes references and strips invisible characters: a secret appears.
    expect(upstreamErrorDetail('token &#112;lain-secret-0042 and plain-sec\u200bret-0042', 'text/plain', both)).toBe('token [redacted] and [redacted]');
    // NFC would fold the last letter and a combining accent into one character: a secret disappears.
    expect(upstreamErrorDetail('key other-secret-key\u0301', 'text/plain', both)).toBe('key [redacted]\u0301');
  });
});
