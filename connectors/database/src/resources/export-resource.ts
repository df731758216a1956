import { ToolError, defineResourceTemplate } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from '../database-deps';
import { EXPORT_MIME_TYPES } from '../exports/export-store';

/** `database://exports/{export}`: a file `database_export_query` wrote, for the principal who ran it, until it expires. */
export const exportResource = defineResourceTemplate<DatabaseDeps>({
  uriTemplate: 'database://exports/{export}',
  name: 'export',
  title: 'Query export',
  description: 'A CSV or JSONL file written by database_export_query (its result links it). Readable by whoever ran the export, until it expires.',
  read: async ({ export: id }, uri, ctx, deps) => {
    const found = await deps.exports.read(id!, ctx.principal.id);
    // Another principal's export, an expired one and one that never was look the same.
    if (!found) throw new ToolError('not_found', `No export at ${uri}: it expired, or it is not yours.`);
    return [{ uri, mimeType: EXPORT_MIME_TYPES[found.meta.format], text: found.text }];
  },
});
