import { DatabaseConfigSchema } from './config';
import { databaseModule } from './database-module';

function firstError(input: unknown): string {
  const result = DatabaseConfigSchema.safeParse(input);
  if (result.success) return 'ok';
  const issue = result.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
}

const pg = { name: 'main', engine: 'postgres', connection: { urlEnv: 'MAIN_URL' } };

describe('database config', () => {
  it('defaults a source to read-only with caps and a timeout', () => {
    const config = DatabaseConfigSchema.parse({ sources: [pg] });
    expect(config.sources[0]).toEqual(expect.objectContaining({ mode: 'read-only', maxRows: 1000, maxBytes: 262144, statementTimeoutMs: 10000 }));
    expect(config.customTools).toEqual([]);
  });

  it.each([
    [{ sources: [] }, /^sources: /],
    [{ sources: [{ ...pg, password: 'x' }] }, /^sources\.0: .*password/],
    [{ sources: [{ ...pg, engine: 'oracle' }] }, /^sources\.0\.engine/],
    [{ sources: [{ ...pg, connection: { url: 'postgres://u:p@h/db' } }] }, /^sources\.0\.connection/],
    [{ sources: [{ ...pg, connection: { path: '/x.db' } }] }, /^sources\.0\.connection: a postgres source needs/],
    [{ sources: [{ ...pg, mode: 'write' }] }, /^sources\.0\.mode/],
    [{ sources: [{ ...pg, maxRows: 0 }] }, /^sources\.0\.maxRows/],
    [{ sources: [{ ...pg, redactColumns: ['('] }] }, /^sources\.0\.redactColumns\.0: must be a valid regular expression/],
    [{ sources: [pg, pg] }, /^sources\.1\.name: duplicate source/],
    [{ sources: [pg], customTools: [{ name: 'x', description: 'd', source: 'other', statement: 'SELECT 1' }] }, /^customTools\.0\.source: unknown source/],
    [{ sources: [pg], customTools: [{ name: 'Bad-Name', description: 'd', source: 'main', statement: 'SELECT 1' }] }, /^customTools\.0\.name/],
    [{ sources: [pg], customTools: [{ name: 'x', description: 'd', source: 'main', statement: 'SELECT :a__b', parameters: [{ name: 'a__b', type: 'string' }] }] }, /^customTools\.0\.parameters\.0\.name: parameter name must be snake_case/],
    [{ sources: [pg], customTools: [{ name: 'x', description: 'd', source: 'main', statement: 'SELECT :x_', parameters: [{ name: 'x_', type: 'string' }] }] }, /^customTools\.0\.parameters\.0\.name: parameter name must be snake_case/],
    [{ sources: [pg], extra: true }, /extra/],
  ])('names the bad key: %j', (input, expected) => {
    expect(firstError(input)).toMatch(expected);
  });

  it('reads sources from DATABASE_SOURCES_JSON and names the variable when it is not JSON', () => {
    expect(databaseModule.fromEnv({ DATABASE_SOURCES_JSON: JSON.stringify([pg]) })).toEqual({ sources: [pg] });
    expect(databaseModule.fromEnv({})).toEqual({});
    expect(() => databaseModule.fromEnv({ DATABASE_SOURCES_JSON: '{' })).toThrow('DATABASE_SOURCES_JSON is not valid JSON');
  });

  it('embeds one read-only SQLite demo source under the data dir', () => {
    const config = DatabaseConfigSchema.parse(databaseModule.embeddedConfig('/var/lib/hub'));
    expect(config.sources).toEqual([
      expect.objectContaining({ name: 'demo', engine: 'sqlite', mode: 'read-only', connection: { path: '/var/lib/hub/database/demo.sqlite', createDemo: true } }),
    ]);
  });
});
