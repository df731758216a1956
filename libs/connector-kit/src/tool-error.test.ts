import { ToolError } from './tool-error';

describe('ToolError', () => {
  it('is recognised across copies of the kit (a plugin may load its own), and nothing else is', () => {
    // What another copy's class looks like to this one: a different class with the same brand.
    const brand = Symbol.for('mcp-hub.connector-kit.ToolError');
    class OtherCopyToolError extends Error {
      readonly [brand] = true;
      constructor(readonly kind: string, message: string) {
        super(message);
      }
    }
    expect(new ToolError('not_found', 'x')).toBeInstanceOf(ToolError);
    expect(new OtherCopyToolError('not_found', 'x') instanceof ToolError).toBe(true);
    expect(new Error('x') instanceof ToolError).toBe(false);
    expect({ kind: 'not_found', message: 'x' } instanceof ToolError).toBe(false);
    expect((null as unknown as object) instanceof ToolError).toBe(false);
  });
});
