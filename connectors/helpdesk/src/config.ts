import { join } from 'node:path';
import { z } from 'zod';
import { booleanFromEnv } from '@mcp-hub/connector-kit';
import { MAX_PAGE_SIZE } from './helpdesk-deps';
import { POSTGRES_SCHEMA_NAME } from './postgres-ticket-store';

const SqliteStoreSchema = z.strictObject({
  kind: z.literal('sqlite'),
  /** File path, or `:memory:`. */
  path: z.string().min(1),
});

const PostgresStoreSchema = z.strictObject({
  kind: z.literal('postgres'),
  /** Connection string; set it with HELPDESK_DATABASE_URL rather than in a file. Never logged. */
  url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// connection string'),
  schema: z.string().regex(POSTGRES_SCHEMA_NAME, `a lower-case identifier (${POSTGRES_SCHEMA_NAME.source})`).default('helpdesk'),
});

const KEYS_OF_OTHER_KIND: Record<string, string[]> = { sqlite: ['url', 'schema'], postgres: ['path'] };

/**
 * Where tickets are kept. Keys of the other store kind are dropped before the strict check:
 * layers of configuration are deep-merged, so a file or HELPDESK_DATABASE_URL switching an
 * embedded SQLite store to PostgreSQL leaves the SQLite `path` behind. Unknown keys still fail.
 */
const StoreConfigSchema = z.preprocess(
  (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const other = KEYS_OF_OTHER_KIND[String((value as { kind?: unknown }).kind)] ?? [];
    return Object.fromEntries(Object.entries(value).filter(([key]) => !other.includes(key)));
  },
  z.discriminatedUnion('kind', [SqliteStoreSchema, PostgresStoreSchema], {
    error: (issue) =>
      issue.input === undefined ? 'missing: set HELPDESK_DATABASE_URL (PostgreSQL) or HELPDESK_SQLITE_PATH, or connectors.helpdesk.store in the --config file' : undefined,
  }),
);

/** Configuration of the helpdesk connector. Unknown keys are errors, named by their path. */
export const HelpdeskConfigSchema = z.strictObject({
  store: StoreConfigSchema,
  /** Fills an empty store with demo tickets at startup. Default false. */
  seedDemoData: z.boolean().default(false),
  /** Default page of search_tickets. Default 20, at most 100. */
  pageSize: z.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  /** Cap in UTF-8 bytes on a body or comment, written or returned. Default 64 KiB, at most 256 KiB (results must fit a bus message). */
  maxTextBytes: z.number().int().min(1024).max(262_144).default(65_536),
});
export type HelpdeskConfig = z.output<typeof HelpdeskConfigSchema>;

/**
 * Configuration from the environment: HELPDESK_DATABASE_URL (a PostgreSQL store; wins over
 * HELPDESK_SQLITE_PATH) with HELPDESK_DATABASE_SCHEMA (its schema, default `helpdesk`),
 * HELPDESK_SQLITE_PATH (a SQLite store) and HELPDESK_SEED_DEMO_DATA (`true`/`false`; anything
 * else is passed on so that the schema refuses it). HELPDESK_WRITE_MODE and the other tool
 * settings are read by the kit (`exposureFromEnv`).
 */
export function helpdeskConfigFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (env.HELPDESK_DATABASE_URL) {
    config.store = { kind: 'postgres', url: env.HELPDESK_DATABASE_URL, ...(env.HELPDESK_DATABASE_SCHEMA && { schema: env.HELPDESK_DATABASE_SCHEMA }) };
  } else if (env.HELPDESK_SQLITE_PATH) config.store = { kind: 'sqlite', path: env.HELPDESK_SQLITE_PATH };
  const seed = booleanFromEnv(env.HELPDESK_SEED_DEMO_DATA);
  if (seed !== undefined) config.seedDemoData = seed;
  return config;
}

/** The embedded mode's defaults: a SQLite file under `dataDir`, demo tickets, write tools on. */
export function helpdeskEmbeddedConfig(dataDir: string): Record<string, unknown> {
  return { store: { kind: 'sqlite', path: join(dataDir, 'helpdesk.sqlite') }, writeMode: true, seedDemoData: true };
}
