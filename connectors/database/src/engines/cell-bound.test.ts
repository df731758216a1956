import fc from 'fast-check';
import { boundCell } from './cell-bound';

describe('boundCell', () => {
  it('keeps text within the byte cap, as a prefix, on a character boundary, and cuts only what is too long', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), fc.integer({ min: 1, max: 300 }), (text, max) => {
        const cell = boundCell(text, max);
        const value = cell.value as string;
        expect(Buffer.byteLength(value)).toBeLessThanOrEqual(Math.max(max, cell.cut ? 0 : Buffer.byteLength(text)));
        expect(text.startsWith(value) || Buffer.from(text).subarray(0, Buffer.byteLength(value)).equals(Buffer.from(value))).toBe(true);
        expect(cell.cut).toBe(Buffer.byteLength(text) > max);
        if (!cell.cut) expect(value).toBe(text);
      }),
    );
  });

  it('cuts binary to half the cap (it is shown as hex) and large JSON documents to their text', () => {
    const blob = boundCell(Buffer.alloc(5000, 1), 1000);
    expect(blob).toEqual(expect.objectContaining({ cut: true }));
    expect((blob.value as Uint8Array).length).toBe(500);
    const doc = boundCell({ items: Array.from({ length: 1000 }, (_, i) => i) }, 100);
    expect(doc.cut).toBe(true);
    expect(doc.value).toBe(JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => i) }).slice(0, 100));
    expect(boundCell(42, 1)).toEqual({ value: 42, bytes: 24, cut: false });
  });
});
