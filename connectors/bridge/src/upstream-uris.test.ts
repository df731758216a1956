import { UriTemplate } from '@mcp-hub/connector-contract';
import { UpstreamUris } from './upstream-uris';

describe('UpstreamUris', () => {
  const uris = new UpstreamUris('fs');

  it.each([
    ['file:///tmp/notes.txt', 'fs://file//tmp/notes.txt'],
    ['demo://resource/static/a.md', 'fs://demo/resource/static/a.md'],
    ['https://example.com/a?b=1#c', 'fs://https/example.com/a?b=1#c'],
    ['urn:isbn:0451450523', 'fs://urn:isbn:0451450523'],
    ['mailto:ops@example.com', 'fs://mailto:ops@example.com'],
    ['file://host/share/x', 'fs://file/host/share/x'],
  ])('wraps %s as %s and back', (upstream, wrapped) => {
    expect(uris.wrap(upstream)).toBe(wrapped);
    expect(uris.unwrap(wrapped)).toBe(upstream);
  });

  it('refuses what has no scheme, and unwraps only its own URIs', () => {
    expect(uris.wrap('no scheme at all')).toBeUndefined();
    expect(uris.wrap('/tmp/x')).toBeUndefined();
    expect(uris.wrap('{scheme}://x')).toBeUndefined();
    expect(uris.unwrap('other://file//tmp')).toBeUndefined();
    expect(uris.unwrap('fs://')).toBeUndefined();
    expect(uris.unwrap('fs:///x')).toBeUndefined();
  });

  it('keeps a template usable: its variables match the wrapped URIs of the upstream ones', () => {
    const template = new UriTemplate(uris.wrap('demo://items/{id}')!);
    expect(template.match(uris.wrap('demo://items/42')!)).toEqual({ id: '42' });
  });
});
