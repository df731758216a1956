import fc from 'fast-check';
import { assertWithinBytes, prefixWithinBytes, truncateToBytes } from './text-bytes';

describe('text byte caps', () => {
  it('cuts to at most the cap, keeps a prefix, never splits a character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 0, max: 400 }), (text, cap) => {
        const { text: cut, truncated } = truncateToBytes(text, cap);
        expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(cap);
        expect(text.startsWith(cut)).toBe(true);
        expect(cut).not.toContain('\uFFFD');
        expect(truncated).toBe(Buffer.byteLength(text) > cap);
        if (!truncated) expect(cut).toBe(text);
      }),
    );
  });

  it('names the field that is too long', () => {
    expect(() => assertWithinBytes('body', 'ééé', 5)).toThrow('body is 6 bytes; the limit is 5. Shorten it.');
    expect(() => assertWithinBytes('body', 'éé', 4)).not.toThrow();
    expect(() => assertWithinBytes('body', undefined, 0)).not.toThrow();
  });

  it('keeps the longest prefix of items within a byte budget', () => {
    expect(prefixWithinBytes(['aa', 'é', 'bbb'], (s) => s, 4)).toEqual(['aa', 'é']);
    expect(prefixWithinBytes(['aaaaa', 'b'], (s) => s, 4)).toEqual([]);
    expect(prefixWithinBytes([], (s: string) => s, 0)).toEqual([]);
  });
});
