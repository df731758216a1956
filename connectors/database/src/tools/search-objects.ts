import { z } from 'zod';
import { ToolError, defineTool, untrusted } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from '../database-deps';
import type { Catalog, CatalogTable } from '../engines/engine';
import { toCell, type Cell } from '../query-result';
import { callLimits, guarded, requireSource } from '../tool-errors';
import { UntrustedShape, readOnlyAnnotations, sourceArgument } from './tool-schemas';

const ObjectType = z.enum(['schema', 'table', 'view', 'column', 'index']);
type ObjectType = z.infer<typeof ObjectType>;
type Detail = 'names' | 'summary' | 'full';

/** A SQL LIKE pattern (`%`, `_`), case-insensitive, as a RegExp. */
export function likePattern(pattern: string): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${source}$`, 'i');
}

/** Lists every object of one type, in catalog order, at the requested detail. */
export function catalogObjects(catalog: Catalog, type: ObjectType, detail: Detail): Array<{ match: string; object: Record<string, unknown> }> {
  const tables = catalog.tables.filter((t) => type !== 'view' || t.kind === 'view').filter((t) => type !== 'table' || t.kind === 'table');
  switch (type) {
    case 'schema':
      return catalog.schemas.map((name) => {
        const inSchema = catalog.tables.filter((t) => t.schema === name);
        const object: Record<string, unknown> = { name };
        if (detail !== 'names') Object.assign(object, { tables: inSchema.filter((t) => t.kind === 'table').length, views: inSchema.filter((t) => t.kind === 'view').length });
        if (detail === 'full') object['objects'] = inSchema.map((t) => t.name);
        return { match: name, object };
      });
    case 'table':
    case 'view':
      return tables.map((t) => ({ match: t.name, object: tableObject(t, detail) }));
    case 'column':
      return catalog.tables.flatMap((t) =>
        t.columns.map((c) => ({
          match: c.name,
          object: detail === 'names' ? { schema: t.schema, table: t.name, name: c.name } : { schema: t.schema, table: t.name, ...c, primaryKey: t.primaryKey.includes(c.name) },
        })),
      );
    case 'index':
      return catalog.tables.flatMap((t) =>
        t.indexes.map((i) => ({
          match: i.name,
          object: detail === 'names' ? { schema: t.schema, table: t.name, name: i.name } : { schema: t.schema, table: t.name, ...i },
        })),
      );
  }
}

function tableObject(t: CatalogTable, detail: Detail): Record<string, unknown> {
  if (detail === 'names') return { schema: t.schema, name: t.name, kind: t.kind };
  if (detail === 'summary') {
    return { schema: t.schema, name: t.name, kind: t.kind, rowEstimate: t.rowEstimate, columns: t.columns.map((c) => `${c.name} ${c.type}`), comment: t.comment };
  }
  return { ...t };
}

const OutputSchema = z.object({
  ...UntrustedShape,
  objectType: ObjectType,
  detail: z.enum(['names', 'summary', 'full']),
  objects: z.array(z.record(z.string(), z.unknown())),
  total: z.number().int().describe('Matching objects in all pages.'),
  truncated: z.boolean(),
  nextCursor: z.string().optional().describe('Pass as `cursor` to get the next page.'),
});

export function searchObjectsTool(sourceNames: readonly string[]) {
  return defineTool({
    name: 'search_objects',
    title: 'Search schemas, tables, views, columns and indexes',
    description:
      'Finds database objects by name pattern (SQL LIKE: % and _, case-insensitive) in every schema the source allows. ' +
      'detail: names (cheap), summary (types, row estimates), full (columns, keys, indexes). Paged with cursor.',
    input: z.object({
      source: sourceArgument(sourceNames),
      object_type: ObjectType.default('table'),
      pattern: z.string().max(200).default('%'),
      schema: z.string().max(200).optional().describe('Only objects in this schema.'),
      detail: z.enum(['names', 'summary', 'full']).default('names'),
      limit: z.number().int().min(1).max(200).default(50),
      cursor: z.string().max(100).optional(),
    }),
    output: OutputSchema,
    annotations: readOnlyAnnotations,
    handler: async ({ source: name, object_type, pattern, schema, detail, limit, cursor }, ctx, deps: DatabaseDeps) => {
      const source = requireSource(deps, name);
      const offset = cursor === undefined ? 0 : decodeCursor(cursor);
      const catalog = await guarded(() => source.catalog(callLimits(ctx)));
      const regex = likePattern(pattern);
      const matches = catalogObjects(catalog, object_type, detail).filter(
        ({ match, object }) => regex.test(match) && (schema === undefined || (object['schema'] ?? object['name']) === schema),
      );
      const objects: Record<string, Cell>[] = [];
      let bytes = 0;
      let index = offset;
      for (; index < matches.length && objects.length < limit; index++) {
        const object = toCell(matches[index]!.object) as Record<string, Cell>;
        bytes += Buffer.byteLength(JSON.stringify(object));
        if (bytes > source.config.maxBytes && objects.length > 0) break;
        objects.push(object);
      }
      const more = index < matches.length;
      const text =
        objects.map((o) => [o['schema'], o['table'], o['name']].filter((p) => p !== undefined && p !== null).join('.') + (o['type'] ? ` ${String(o['type'])}` : '')).join('\n') +
        `\n${objects.length} of ${matches.length} ${object_type}(s)${more ? `; more with cursor "${encodeCursor(index)}"` : ''}`;
      return {
        structured: {
          ...untrusted(`database:${name}`),
          objectType: object_type,
          detail,
          objects,
          total: matches.length,
          truncated: more,
          ...(more && { nextCursor: encodeCursor(index) }),
        },
        text,
      };
    },
  });
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { o?: unknown }).o;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new ToolError('invalid_arguments', 'The cursor is not valid; start again without one.');
}
