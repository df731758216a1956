import { ToolError, defineResourceTemplate, untrusted } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from '../database-deps';
import { toCell } from '../query-result';
import { guarded, requireSource } from '../tool-errors';
import { clientName } from '../client-name';

const TIMEOUT_MS = 15_000;
const never = new AbortController().signal;

/** `database://{source}/tables/{table}`: one table or view (`name` or `schema.name`) with columns, types, keys, indexes and row estimate. */
export const tableResource = defineResourceTemplate<DatabaseDeps>({
  uriTemplate: 'database://{source}/tables/{table}',
  name: 'table',
  title: 'Database table',
  description: 'One table or view: columns, types, primary and foreign keys, indexes, row estimate. {table} is `name` or `schema.name`.',
  mimeType: 'application/json',
  read: async ({ source: sourceName, table }, uri, ctx, deps) => {
    const source = requireSource(deps, sourceName!);
    const found = await guarded(() => source.findTable(table!, { signal: ctx.signal, timeoutMs: TIMEOUT_MS }));
    if (!found) throw new ToolError('not_found', `No table ${table} in source ${sourceName}. Use ${clientName('search_objects')} to find it.`);
    return [{ uri, mimeType: 'application/json', text: JSON.stringify(toCell({ ...untrusted(`database:${sourceName}`), ...found })) }];
  },
  complete: {
    source: async (value, _ctx, deps) => [...deps.sources.keys()].filter((name) => name.startsWith(value)),
    table: async (value, _ctx, deps) => {
      const names: string[] = [];
      for (const source of deps.sources.values()) {
        const catalog = await source.catalog({ signal: never, timeoutMs: TIMEOUT_MS }).catch(() => undefined);
        for (const t of catalog?.tables ?? []) {
          const name = t.schema === source.engine.defaultSchema ? t.name : `${t.schema}.${t.name}`;
          if (name.startsWith(value) && !names.includes(name)) names.push(name);
        }
      }
      return names;
    },
  },
});
