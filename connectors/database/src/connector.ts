import { defineConnector, type ConnectorDefinition } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from './database-deps';
import type { CompiledCustomTool } from './tools/custom-tool';
import { customTool } from './tools/custom-tool';
import { executeStatementTool } from './tools/execute-statement';
import { explainQueryTool } from './tools/explain-query';
import { listSourcesTool } from './tools/list-sources';
import { runQueryTool } from './tools/run-query';
import { exportQueryTool, type ExportLimits } from './tools/export-query';
import { searchObjectsTool } from './tools/search-objects';
import { schemaResource } from './resources/schema-resource';
import { tableResource } from './resources/table-resource';
import { exportResource } from './resources/export-resource';
import { exploreDatabasePrompt } from './prompts/explore-database';
import { DATABASE_CONNECTOR_ID } from './client-name';

export { DATABASE_CONNECTOR_ID };

export const DATABASE_CONNECTOR_VERSION = '0.1.0';

export interface DatabaseConnectorOptions {
  sources: ReadonlyArray<{ name: string; mode: 'read-only' | 'read-write' }>;
  customTools: readonly CompiledCustomTool[];
  /** `export_query`'s caps. */
  exports: ExportLimits;
}

/**
 * The database connector's table of contents. `execute_statement` exists only when some source
 * is read-write and accepts only those sources; custom tools come from configuration.
 */
export function createDatabaseConnector(options: DatabaseConnectorOptions): ConnectorDefinition<DatabaseDeps> {
  const names = options.sources.map((s) => s.name);
  const writable = options.sources.filter((s) => s.mode === 'read-write').map((s) => s.name);
  return defineConnector<DatabaseDeps>({
    id: DATABASE_CONNECTOR_ID,
    version: DATABASE_CONNECTOR_VERSION,
    title: 'Databases',
    description: 'Read-only SQL over PostgreSQL, MySQL/MariaDB and SQLite sources, with schema search and resources; writes only on read-write sources.',
    tools: [
      listSourcesTool,
      searchObjectsTool(names),
      runQueryTool(names),
      explainQueryTool(names),
      exportQueryTool(names, options.exports),
      ...(writable.length > 0 ? [executeStatementTool(writable)] : []),
      ...options.customTools.map(customTool),
    ],
    resources: names.map(schemaResource),
    resourceTemplates: [tableResource, exportResource],
    prompts: [exploreDatabasePrompt],
  });
}
