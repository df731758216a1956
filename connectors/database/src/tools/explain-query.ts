import { z } from 'zod';
import { defineTool, untrusted } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from '../database-deps';
import { toCell } from '../query-result';
import { callLimits, guarded, requireSource } from '../tool-errors';
import { ParamsSchema, UntrustedShape, readOnlyAnnotations, sourceArgument } from './tool-schemas';
import { clientName } from '../client-name';

const TEXT_PLAN_CHARS = 4000;

export function explainQueryTool(sourceNames: readonly string[]) {
  return defineTool({
    name: 'explain_query',
    title: 'Explain a query plan',
    description:
      `Shows the engine's plan for one read-only SELECT without running it (PostgreSQL EXPLAIN FORMAT JSON, MySQL EXPLAIN FORMAT=JSON, SQLite EXPLAIN QUERY PLAN). Same rules as ${clientName('run_query')}.`,
    input: z.object({ source: sourceArgument(sourceNames), sql: z.string().min(1).max(100_000), params: ParamsSchema }),
    output: z.object({ ...UntrustedShape, statementType: z.string(), plan: z.unknown() }),
    annotations: readOnlyAnnotations,
    handler: async ({ source: name, sql, params }, ctx, deps: DatabaseDeps) => {
      const source = requireSource(deps, name);
      const { statement, plan } = await guarded(() => source.explain(sql, params, callLimits(ctx)));
      const cleaned = toCell(plan);
      const text = JSON.stringify(cleaned, null, 1);
      return {
        structured: { ...untrusted(`database:${name}`), statementType: statement.statementType, plan: cleaned },
        text: text.length > TEXT_PLAN_CHARS ? `${text.slice(0, TEXT_PLAN_CHARS)}… (full plan in the structured result)` : text,
      };
    },
  });
}
