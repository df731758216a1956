import { NameMap, hubName } from './tool-names';

describe('hubName', () => {
  it.each([
    ['get-tiny-image', 'get_tiny_image'],
    ['getTinyImage', 'get_tiny_image'],
    ['read_file', 'read_file'],
    ['Search.Files', 'search_files'],
    ['--x--', 'x'],
    ['2fa_codes', 't_2fa_codes'],
    ['ÜberTool', 'ber_tool'],
  ])('%s → %s', (upstream, expected) => {
    expect(hubName(upstream)).toBe(expected);
  });

  it('gives nothing for a name with no usable form or one too long', () => {
    expect(hubName('---')).toBeUndefined();
    expect(hubName('日本語')).toBeUndefined();
    expect(hubName('a'.repeat(64))).toBeUndefined();
  });

  it('maps back, and the first of two names that meet keeps it', () => {
    const names = new NameMap();
    expect(names.add('get-item')).toEqual({ name: 'get_item' });
    expect(names.add('getItem')).toEqual({ problem: '"getItem" and "get-item" both become "get_item"' });
    expect(names.upstream('get_item')).toBe('get-item');
  });
});
