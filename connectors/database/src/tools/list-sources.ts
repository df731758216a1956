import { z } from 'zod';
import { defineTool } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from '../database-deps';
import { readOnlyAnnotations } from './tool-schemas';
import { clientName } from '../client-name';

export const listSourcesTool = defineTool({
  name: 'list_sources',
  title: 'List database sources',
  description: `Lists the configured databases: name, engine, mode (read-only or read-write), row and byte caps, statement timeout and redacted column patterns. Start here, then ${clientName('search_objects')}.`,
  input: z.object({}),
  output: z.object({
    sources: z.array(
      z.object({
        name: z.string(),
        engine: z.enum(['postgres', 'mysql', 'sqlite']),
        description: z.string().optional(),
        mode: z.enum(['read-only', 'read-write']),
        maxRows: z.number(),
        maxBytes: z.number(),
        statementTimeoutMs: z.number(),
        redactColumns: z.array(z.string()),
        warnings: z.array(z.string()),
      }),
    ),
  }),
  annotations: readOnlyAnnotations,
  handler: async (_args, _ctx, deps: DatabaseDeps) => {
    const sources = [...deps.sources.values()].map((s) => ({
      name: s.name,
      engine: s.config.engine,
      ...(s.config.description !== undefined && { description: s.config.description }),
      mode: s.config.mode,
      maxRows: s.config.maxRows,
      maxBytes: s.config.maxBytes,
      statementTimeoutMs: s.config.statementTimeoutMs,
      redactColumns: s.config.redactColumns ?? [],
      warnings: s.warnings,
    }));
    const text = sources.map((s) => `${s.name} (${s.engine}, ${s.mode}, max ${s.maxRows} rows)${s.description ? `: ${s.description}` : ''}`).join('\n');
    return { structured: { sources }, text };
  },
});
