import { z } from 'zod';
import { clientName } from '../client-name';

/** The `source` argument: one of the configured names; optional when there is only one. */
export function sourceArgument(names: readonly string[]) {
  const schema = z.enum(names as [string, ...string[]]).describe(`Source name (see ${clientName('list_sources')}).`);
  return names.length === 1 ? schema.default(names[0]!) : schema;
}

export const ParamsSchema = z
  .array(z.union([z.string().max(100_000), z.number(), z.boolean(), z.null()]))
  .max(100)
  .default([])
  .describe('Values for the placeholders ($1, $2 … on PostgreSQL; ? on MySQL and SQLite), bound by the driver.');

export const ColumnSchema = z.object({ name: z.string(), type: z.string() });

/** The mark on every result that carries database text (third-party content). */
export const UntrustedShape = {
  untrusted: z.literal(true),
  source: z.string().describe('Where the content came from: database:<source>.'),
};

export const readOnlyAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
