import { defineResource, untrusted, type ResourceDefinition } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from '../database-deps';
import { toCell } from '../query-result';
import { guarded, requireSource } from '../tool-errors';

const TIMEOUT_MS = 15_000;

/** `database://{source}/schema`: every allowed schema with its tables and views, columns, keys and row estimates. */
export function schemaResource(sourceName: string): ResourceDefinition<DatabaseDeps> {
  const uri = `database://${sourceName}/schema`;
  return defineResource<DatabaseDeps>({
    uri,
    name: `${sourceName}-schema`,
    title: `Schema of ${sourceName}`,
    description: `All schemas, tables and views of source ${sourceName}, with columns, types, keys and row estimates.`,
    mimeType: 'application/json',
    read: async (ctx, deps) => {
      const source = requireSource(deps, sourceName);
      const catalog = await guarded(() => source.catalog({ signal: ctx.signal, timeoutMs: TIMEOUT_MS }));
      const body = {
        ...untrusted(`database:${sourceName}`),
        engine: source.config.engine,
        defaultSchema: source.engine.defaultSchema,
        schemas: catalog.schemas.map((schema) => ({
          name: schema,
          tables: catalog.tables
            .filter((t) => t.schema === schema)
            .map((t) => ({
              name: t.name,
              kind: t.kind,
              rowEstimate: t.rowEstimate,
              columns: t.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })),
              primaryKey: t.primaryKey,
              foreignKeys: t.foreignKeys,
            })),
        })),
      };
      return [{ uri, mimeType: 'application/json', text: JSON.stringify(toCell(body)) }];
    },
  });
}
