import { HelpdeskConfigSchema, helpdeskConfigFromEnv, helpdeskEmbeddedConfig } from './config';

const sqlite = { kind: 'sqlite', path: ':memory:' };

/** The embedded defaults without `writeMode`, which the kit takes (resolveConnectorConfig). */
function withoutToolSettings(config: Record<string, unknown>): Record<string, unknown> {
  const { writeMode: _kits, ...own } = config;
  return own;
}

/** Each issue as `path: message`, the way the CLI reports a bad configuration. */
function problems(value: unknown): string[] {
  const parsed = HelpdeskConfigSchema.safeParse(value);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

describe('helpdesk configuration', () => {
  it('applies the defaults: no demo data, pages of 20, 64 KiB texts', () => {
    expect(HelpdeskConfigSchema.parse({ store: sqlite })).toEqual({
      store: sqlite,
      seedDemoData: false,
      pageSize: 20,
      maxTextBytes: 65_536,
    });
    expect(HelpdeskConfigSchema.parse({ store: { kind: 'postgres', url: 'postgres://h/db' } }).store).toEqual({ kind: 'postgres', url: 'postgres://h/db', schema: 'helpdesk' });
  });

  it('names an unknown key, at the top level and inside the store', () => {
    expect(problems({ store: sqlite, writemode: true })).toEqual(['(root): Unrecognized key: "writemode"']);
    expect(problems({ store: { ...sqlite, file: 'x' } })).toEqual(['store: Unrecognized key: "file"']);
    expect(problems({ store: { kind: 'postgres', url: 'postgres://h/db', schem: 'x' } })).toEqual(['store: Unrecognized key: "schem"']);
  });

  it('names the bad key of a wrong value', () => {
    expect(problems({ store: sqlite, pageSize: 500 })[0]).toMatch(/^pageSize: /);
    expect(problems({ store: { kind: 'mysql' } })[0]).toMatch(/^store\.kind: /);
    expect(problems({})[0]).toMatch(/^store: /);
    expect(problems({ store: { kind: 'postgres', url: 'postgres://h/db', schema: 'Bad-Name' } })[0]).toMatch(/^store\.schema: /);
  });

  it('never echoes the connection string in an error', () => {
    const url = 'mysql://user:hunter2@db/x';
    const messages = problems({ store: { kind: 'postgres', url } });
    expect(messages[0]).toMatch(/^store\.url: /);
    expect(messages.join('\n')).not.toContain('hunter2');
  });

  it('lets a PostgreSQL store replace the embedded SQLite one although layers are deep-merged', () => {
    const merged = { ...withoutToolSettings(helpdeskEmbeddedConfig('/data')), store: { kind: 'postgres', path: '/data/helpdesk.sqlite', url: 'postgres://h/db' } };
    expect(HelpdeskConfigSchema.parse(merged).store).toEqual({ kind: 'postgres', url: 'postgres://h/db', schema: 'helpdesk' });
  });

  it('reads the environment', () => {
    expect(helpdeskConfigFromEnv({})).toEqual({});
    // HELPDESK_WRITE_MODE is the kit's (exposureFromEnv), not the helpdesk's.
    expect(helpdeskConfigFromEnv({ HELPDESK_DATABASE_URL: 'postgres://h/db', HELPDESK_SQLITE_PATH: '/x', HELPDESK_WRITE_MODE: 'true' })).toEqual({
      store: { kind: 'postgres', url: 'postgres://h/db' },
    });
    expect(helpdeskConfigFromEnv({ HELPDESK_DATABASE_URL: 'postgres://h/db', HELPDESK_DATABASE_SCHEMA: 'desk2', HELPDESK_SEED_DEMO_DATA: 'true' })).toEqual({
      store: { kind: 'postgres', url: 'postgres://h/db', schema: 'desk2' },
      seedDemoData: true,
    });
    const bad = helpdeskConfigFromEnv({ HELPDESK_SEED_DEMO_DATA: 'yes' });
    expect(problems({ store: sqlite, ...bad })[0]).toMatch(/^seedDemoData: /);
  });

  it('puts the embedded store under the data directory, with write mode and demo data', () => {
    const embedded = helpdeskEmbeddedConfig('/var/lib/hub');
    expect(embedded).toMatchObject({ writeMode: true });
    expect(HelpdeskConfigSchema.parse(withoutToolSettings(embedded))).toMatchObject({
      store: { kind: 'sqlite', path: '/var/lib/hub/helpdesk.sqlite' },
      seedDemoData: true,
    });
  });
});
