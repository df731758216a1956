import { passedMeta } from './upstream-meta';

describe('an upstream result _meta passed to the client', () => {
  it('keeps the upstream own keys and drops the hub and protocol keys', () => {
    expect(
      passedMeta({
        'example.com/trace': 'abc',
        plain: 1,
        'mcphub/replayed': true,
        'mcphub/retryAfterMs': 5,
        'io.modelcontextprotocol/related-task': { taskId: 't' },
        'tools.mcp.dev/x': 1,
      }),
    ).toEqual({ 'example.com/trace': 'abc', plain: 1 });
  });

  it('is undefined when nothing is left or there is no object', () => {
    expect(passedMeta({ 'mcphub/replayed': true })).toBeUndefined();
    expect(passedMeta(undefined)).toBeUndefined();
    expect(passedMeta(['x'])).toBeUndefined();
  });
});
