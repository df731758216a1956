import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Redis } from 'ioredis';
import { InMemoryIdempotencyStore, RedisIdempotencyStore, defineConnectorModule, type IdempotencyStore } from '@mcp-hub/connector-kit';
import { DatabaseConfigSchema, type DatabaseConfig } from './config';
import { createDatabaseConnector, DATABASE_CONNECTOR_ID } from './connector';
import type { DatabaseDeps } from './database-deps';
import { DatabaseSource } from './database-source';
import { demoDatabaseScript } from './demo-database';
import { openEngine, SourceConfigError } from './engines/open-engine';
import { SqliteEngine } from './engines/sqlite-engine';
import { compileCustomTool } from './tools/custom-tool';
import { ExportStore } from './exports/export-store';

const BUILT_IN_TOOLS = new Set(['list_sources', 'search_objects', 'run_query', 'explain_query', 'export_query', 'execute_statement']);

/**
 * Environment keys: `DATABASE_SOURCES_JSON` and `DATABASE_CUSTOM_TOOLS_JSON` (JSON arrays), and
 * `DATABASE_IDEMPOTENCY_REDIS_URL` (else `REDIS_URL`) for idempotency keys shared by replicas; all optional.
 */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const redisUrl = env.DATABASE_IDEMPOTENCY_REDIS_URL || env.REDIS_URL;
  if (redisUrl) config.idempotency = { redisUrl };
  for (const [variable, key] of [['DATABASE_SOURCES_JSON', 'sources'], ['DATABASE_CUSTOM_TOOLS_JSON', 'customTools']] as const) {
    const raw = env[variable];
    if (!raw) continue;
    try {
      config[key] = JSON.parse(raw);
    } catch {
      throw new Error(`${variable} is not valid JSON`);
    }
  }
  return config;
}

function embeddedConfig(dataDir: string): Record<string, unknown> {
  return {
    sources: [
      {
        name: 'demo',
        engine: 'sqlite',
        description: 'Demo shop: customers, products, orders, order_items, support_tickets (read-only)',
        connection: { path: join(dataDir, 'database', 'demo.sqlite'), createDemo: true },
        mode: 'read-only',
      },
    ],
    // Beside the demo database's directory, not in it: that one holds database files only.
    exports: { dir: join(dataDir, 'database-exports') },
  };
}

/**
 * Opens every source (connect, privilege check), compiles the custom tools against them and
 * builds the connector. On any failure the sources opened so far are closed again.
 */
async function create(config: DatabaseConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env) {
  const sources = new Map<string, DatabaseSource>();
  const secrets: string[] = config.idempotency.redisUrl ? [config.idempotency.redisUrl] : [];
  const redis = config.idempotency.redisUrl ? new Redis(config.idempotency.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }) : undefined;
  const closeAll = async () => {
    await Promise.all([...sources.values()].map((s) => s.engine.close().catch(() => undefined)));
    redis?.disconnect();
  };
  try {
    let idempotency: IdempotencyStore;
    if (redis) {
      await redis.connect();
      idempotency = new RedisIdempotencyStore({ redis, prefix: config.idempotency.keyPrefix });
    } else {
      idempotency = new InMemoryIdempotencyStore();
      if (config.sources.some((s) => s.mode === 'read-write')) {
        logger.warn('idempotency keys of writes are kept in this replica only: set DATABASE_IDEMPOTENCY_REDIS_URL (or REDIS_URL) when running several replicas');
      }
    }
    for (const [index, sourceConfig] of config.sources.entries()) {
      const connection = sourceConfig.connection;
      if ('path' in connection && connection.createDemo && SqliteEngine.createIfMissing(connection.path, demoDatabaseScript())) {
        logger.info({ source: sourceConfig.name }, 'created the demo database');
      }
      const { engine, secret } = openEngine(sourceConfig, index, env);
      if (secret) secrets.push(secret);
      const source = new DatabaseSource(sourceConfig, engine);
      sources.set(sourceConfig.name, source);
      try {
        await source.start(logger);
      } catch (error) {
        if (error instanceof SourceConfigError) throw error;
        throw new SourceConfigError(`sources.${index}: cannot connect to ${sourceConfig.name}: ${(error as Error).message}`);
      }
    }
    const customTools = config.customTools.map((tool, index) => {
      if (BUILT_IN_TOOLS.has(tool.name)) throw new SourceConfigError(`customTools.${index}.name: ${tool.name} is a built-in tool`);
      return compileCustomTool(tool, index, sources.get(tool.source)!);
    });
    const connector = createDatabaseConnector({ sources: config.sources, customTools, exports: config.exports });
    const exports = new ExportStore({ dir: config.exports.dir ?? join(tmpdir(), 'mcp-hub-database-exports'), keepMs: config.exports.keepMinutes * 60_000 });
    const deps: DatabaseDeps = { sources, idempotency, exports };
    logger.info({ sources: [...sources.keys()], customTools: customTools.length }, 'database connector ready');
    return { connector, deps, secrets, close: async () => void (await closeAll()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The database connector as the CLI and the embedded mode run it. */
export const databaseModule = defineConnectorModule<DatabaseConfig, DatabaseDeps>({
  id: DATABASE_CONNECTOR_ID,
  configSchema: DatabaseConfigSchema as unknown as import('zod').ZodType<DatabaseConfig>,
  fromEnv,
  embeddedConfig,
  create: (config, logger) => create(config, logger),
});

export { create as createDatabaseConnectorService };
