import type { ToolDescriptor } from '@mcp-hub/connector-contract';
import { ArgumentValidator } from './argument-validator';

const descriptor = (inputSchema: Record<string, unknown>): ToolDescriptor => ({
  name: 'do_it',
  description: 'x',
  inputSchema: { type: 'object', ...inputSchema },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  execution: 'sync',
  scopes: [],
});

describe('ArgumentValidator', () => {
  const validator = new ArgumentValidator();
  const tool = descriptor({
    properties: { id: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['id'],
    additionalProperties: false,
  });

  it('accepts valid arguments', () => {
    expect(validator.check(tool, { id: 3, tags: ['a'] })).toBeUndefined();
  });

  it.each([
    [{}, 'missing the required property "id"'],
    [{ id: 0 }, '"id" must be >= 1'],
    [{ id: 1, extra: true }, 'unexpected property "extra"'],
    [{ id: 1, tags: [1] }, '"tags.0" must be string'],
  ])('explains %j', (args, expected) => {
    expect(validator.check(tool, args)).toContain(expected);
  });

  it('supports JSON Schema 2020-12 keywords', () => {
    const tuple = descriptor({ properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false } } });
    expect(validator.check(tuple, { pair: ['a', 1] })).toBeUndefined();
    expect(validator.check(tuple, { pair: ['a', 1, 2] })).toBeDefined();
  });

  it('validates a draft-07 schema (with $schema, definitions and array items) by draft-07 rules', () => {
    const draft07 = descriptor({
      $schema: 'http://json-schema.org/draft-07/schema#',
      definitions: { id: { type: 'integer', minimum: 1 } },
      properties: { id: { $ref: '#/definitions/id' }, pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }], additionalItems: false } },
      required: ['id'],
    });
    expect(validator.check(draft07, { id: 2, pair: ['a', 1] })).toBeUndefined();
    expect(validator.check(draft07, { id: 0 })).toContain('"id" must be >= 1');
    expect(validator.check(draft07, { id: 2, pair: ['a', 1, 2] })).toBeDefined();
  });

  it('resolves $ref into $defs of a 2020-12 schema', () => {
    const withDefs = descriptor({ $schema: 'https://json-schema.org/draft/2020-12/schema', $defs: { name: { type: 'string', minLength: 2 } }, properties: { name: { $ref: '#/$defs/name' } } });
    expect(validator.check(withDefs, { name: 'ab' })).toBeUndefined();
    expect(validator.check(withDefs, { name: 'a' })).toBeDefined();
  });

  it('reports an unusable schema as a tool error instead of throwing', () => {
    const broken = descriptor({ properties: { x: { type: 'no-such-type' } } });
    const reasons: string[] = [];
    const logged = new ArgumentValidator((_tool, reason) => reasons.push(reason));
    expect(logged.check(broken, { x: 1 })).toMatch(/input schema cannot be used/);
    expect(reasons).toHaveLength(1);
  });

  it('keeps schemas apart: the same $id in two connectors, and no $ref into another tool', () => {
    const a = descriptor({ $id: 'https://example.com/t', properties: { n: { type: 'integer' } } });
    const b = descriptor({ $id: 'https://example.com/t', properties: { n: { type: 'string' } } });
    expect(validator.check(a, { n: 1 })).toBeUndefined();
    expect(validator.check(b, { n: 'x' })).toBeUndefined();
    const borrower = descriptor({ properties: { n: { $ref: 'https://example.com/t' } } });
    expect(validator.check(borrower, { n: 1 })).toMatch(/cannot be used/);
  });

  it('compiles each descriptor once', () => {
    const fresh = new ArgumentValidator();
    const compile = jest.spyOn((fresh as unknown as { ajv2020: { compile: (s: unknown) => unknown } }).ajv2020, 'compile');
    for (let i = 0; i < 5; i++) fresh.check(tool, { id: i + 1 });
    expect(compile).toHaveBeenCalledTimes(1);
  });
});
