import { z } from 'zod';

/** Characters a source name may use: it appears in URIs (`database://{source}/schema`) and tool arguments. */
const NAME = /^[a-z][a-z0-9_-]{0,39}$/;

export const EngineKindSchema = z.enum(['postgres', 'mysql', 'sqlite']);
export type EngineKind = z.infer<typeof EngineKindSchema>;

/**
 * Where a source's connection comes from. Secrets never sit in the config itself: a URL is read
 * from an environment variable or a secret file; SQLite takes a file path.
 */
export const ConnectionSchema = z.union([
  z.strictObject({ urlEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name') }),
  z.strictObject({ urlFile: z.string().min(1) }),
  z.strictObject({
    path: z.string().min(1),
    /** Creates and seeds the demo database at `path` when the file is missing (embedded mode). */
    createDemo: z.boolean().optional(),
  }),
]);
export type ConnectionConfig = z.infer<typeof ConnectionSchema>;

const RegexSchema = z.string().refine(
  (pattern) => {
    try {
      new RegExp(pattern, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);

export const SourceConfigSchema = z
  .strictObject({
    name: z.string().regex(NAME, 'source name must match ^[a-z][a-z0-9_-]{0,39}$'),
    engine: EngineKindSchema,
    connection: ConnectionSchema,
    description: z.string().max(500).optional(),
    /** `read-only` (default) registers no write tool and runs every query in a read-only transaction. */
    mode: z.enum(['read-only', 'read-write']).default('read-only'),
    /** Hard cap on rows a tool returns; `run_query`'s `max_rows` can only lower it. Default 1000. */
    maxRows: z.number().int().min(1).max(100_000).default(1000),
    /** Hard cap on the JSON size of a result's rows, in bytes. Default 256 KiB. */
    maxBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
    /** SQLite only: child processes running statements side by side (a runaway holds one until its timeout). Default 2. */
    workers: z.number().int().min(1).max(16).optional(),
    /** SQLite only: calls that may wait for a free worker; further calls are refused as `busy`. Default 4. */
    maxWaiting: z.number().int().min(0).max(1000).optional(),
    /** Server-side statement timeout in milliseconds. Default 10 000. */
    statementTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    /** Schemas (PostgreSQL schemas, MySQL databases, SQLite `main`/attached names) the tools may see and query. */
    allowedSchemas: z.array(z.string().min(1)).min(1).optional(),
    /** Tables (`table` or `schema.table`) the tools may see and query. */
    allowedTables: z.array(z.string().min(1)).min(1).optional(),
    /** Case-insensitive regular expressions; result columns whose name matches one are redacted. */
    redactColumns: z.array(RegexSchema).optional(),
  })
  .superRefine((source, ctx) => {
    const sqlite = source.engine === 'sqlite';
    const hasPath = 'path' in source.connection;
    for (const key of ['workers', 'maxWaiting'] as const) {
      if (!sqlite && source[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies to sqlite sources only (use the role's connection limit for ${source.engine})` });
      }
    }
    if (sqlite !== hasPath) {
      ctx.addIssue({
        code: 'custom',
        path: ['connection'],
        message: sqlite ? 'a sqlite source needs { path }' : `a ${source.engine} source needs { urlEnv } or { urlFile }`,
      });
    }
  });
export type SourceConfig = z.infer<typeof SourceConfigSchema>;

export const CustomToolParameterSchema = z
  .strictObject({
    // snake_case, as every tool argument (test/architecture/argument-casing.test.ts).
    name: z.string().max(40).regex(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/, 'parameter name must be snake_case: ^[a-z][a-z0-9]*(_[a-z0-9]+)*$'),
    type: z.enum(['string', 'integer', 'number', 'boolean']),
    description: z.string().max(500).optional(),
    required: z.boolean().default(true),
    default: z.union([z.string(), z.number(), z.boolean()]).optional(),
    /** Allowed values. */
    enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    maxLength: z.number().int().min(1).max(100_000).optional(),
    pattern: RegexSchema.optional(),
  });
export type CustomToolParameter = z.infer<typeof CustomToolParameterSchema>;

/**
 * A named, parameterised statement exposed as its own tool: the safe way to let an agent write.
 * Parameters appear in the statement as `:name` and are bound natively, never interpolated.
 */
export const CustomToolSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,54}$/, 'tool name must match ^[a-z][a-z0-9_]{0,54}$'),
  title: z.string().max(200).optional(),
  description: z.string().min(1).max(2000),
  source: z.string(),
  statement: z.string().min(1).max(20_000),
  parameters: z.array(CustomToolParameterSchema).default([]),
  /** For writing statements: whether the change can destroy data (default true). */
  destructive: z.boolean().optional(),
});
export type CustomToolConfig = z.infer<typeof CustomToolSchema>;

export const DatabaseConfigSchema = z
  .strictObject({
    sources: z
      .array(SourceConfigSchema, {
        error: (issue) => (issue.input === undefined ? 'missing: set DATABASE_SOURCES_JSON or connectors.database.sources in the --config file' : undefined),
      })
      .min(1, 'configure at least one source'),
    customTools: z.array(CustomToolSchema).default([]),
    /**
     * `export_query`'s files. `dir` defaults to `<tmpdir>/mcp-hub-database-exports` (embedded:
     * `<dataDir>/database-exports`); replicas of one connector must share it (a read may reach
     * any replica).
     */
    exports: z
      .strictObject({
        dir: z.string().min(1).optional(),
        /** Most rows one export writes. */
        maxRows: z.number().int().min(1).max(100_000_000).default(1_000_000),
        /** Most bytes one export's file holds (a resource read returns the whole file). */
        maxBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(16 * 1024 * 1024),
        /** How long an export stays readable. */
        keepMinutes: z.number().int().min(1).max(43_200).default(1440),
      })
      .prefault({}),
    /**
     * Where the idempotency keys of writes live. Without `redisUrl`, in this process's memory:
     * right for one replica (the embedded mode); replicas behind one queue group need a Redis
     * they share, or a retry that reaches another replica writes twice.
     */
    idempotency: z
      .strictObject({
        /** e.g. redis://127.0.0.1:6379; set it with DATABASE_IDEMPOTENCY_REDIS_URL or REDIS_URL rather than in a file. */
        redisUrl: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
        /** Key prefix in Redis; deployments sharing one Redis give each its own. */
        keyPrefix: z.string().min(1).max(200).default('mcphub:idempotency:database'),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.sources.forEach((source, i) => {
      if (names.has(source.name)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source "${source.name}"` });
      names.add(source.name);
    });
    config.customTools.forEach((tool, i) => {
      if (!names.has(tool.source)) {
        ctx.addIssue({ code: 'custom', path: ['customTools', i, 'source'], message: `unknown source "${tool.source}"` });
      }
    });
  });
export type DatabaseConfig = z.infer<typeof DatabaseConfigSchema>;
export type DatabaseConfigInput = z.input<typeof DatabaseConfigSchema>;
