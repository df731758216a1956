import { defaultDataDir } from './default-data-dir';

describe('defaultDataDir', () => {
  it('follows the XDG base directory spec on Linux', () => {
    expect(defaultDataDir({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.local/share/mcp-hub');
    expect(defaultDataDir({ HOME: '/home/ann', XDG_DATA_HOME: '/data/ann' }, 'linux')).toBe('/data/ann/mcp-hub');
    // A relative XDG_DATA_HOME is invalid by the spec: it would land in the working directory.
    expect(defaultDataDir({ HOME: '/home/ann', XDG_DATA_HOME: 'rel' }, 'linux')).toBe('/home/ann/.local/share/mcp-hub');
  });

  it('uses Application Support on macOS and LOCALAPPDATA on Windows', () => {
    expect(defaultDataDir({ HOME: '/Users/ann' }, 'darwin')).toBe('/Users/ann/Library/Application Support/mcp-hub');
    expect(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'win32')).toBe('C:\\Users\\ann\\AppData\\Local\\mcp-hub');
    expect(defaultDataDir({ USERPROFILE: 'C:\\Users\\ann' }, 'win32')).toBe('C:\\Users\\ann\\AppData\\Local\\mcp-hub');
  });
});
