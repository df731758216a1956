import { z } from 'zod';
import { IdempotencyKeySchema, ToolError, defineTool, runIdempotent, type HandlerContext, type ToolOutput } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from '../database-deps';
import type { DatabaseSource } from '../database-source';
import type { ClassifiedStatement } from '../sql/statement-classifier';
import type { SqlValue } from '../engines/engine';
import { toCell } from '../query-result';
import { callLimits, guarded, requireSource, toToolError } from '../tool-errors';
import { ColumnSchema, ParamsSchema, sourceArgument } from './tool-schemas';

const MAX_RETURNED_ROWS = 100;

export const ExecuteOutputSchema = z.object({
  source: z.string(),
  statementType: z.string().describe('What ran: insert, update, delete, create, alter, drop, …'),
  rowsAffected: z.number().int(),
  columns: z.array(ColumnSchema),
  rows: z.array(z.array(z.unknown())).describe('Rows the statement returned (RETURNING), at most 100.'),
  untrusted: z.literal(true),
});
export type ExecuteOutput = z.infer<typeof ExecuteOutputSchema>;

export { IdempotencyKeySchema };

/**
 * Runs a classified write at most once per idempotency key (the kit's `runIdempotent`, with the
 * store every replica shares), shared by execute_statement and writing custom tools. `args` are
 * the tool's arguments: a repeat with other arguments and the same key is refused.
 */
export async function runWrite(
  deps: DatabaseDeps,
  ctx: HandlerContext,
  source: DatabaseSource,
  statement: ClassifiedStatement,
  params: readonly SqlValue[],
  args: { idempotency_key?: string | undefined },
  tool: string,
): Promise<ToolOutput<ExecuteOutput>> {
  return runIdempotent(deps.idempotency, ctx, `${tool}:${source.name}`, args, () => write(source, statement, params, callLimits(ctx)));
}

async function write(source: DatabaseSource, statement: ClassifiedStatement, params: readonly SqlValue[], limits: ReturnType<typeof callLimits>): Promise<ToolOutput<ExecuteOutput>> {
  const result = await guarded(() => source.execute(statement, params, limits));
  const structured: ExecuteOutput = {
    source: source.name,
    statementType: statement.statementType,
    rowsAffected: result.rowsAffected,
    columns: result.columns,
    rows: result.rows.slice(0, MAX_RETURNED_ROWS).map((row) => row.map((v, i) => (source.isRedacted(result.columns[i]?.name ?? '') && v !== null ? '[redacted]' : toCell(v)))),
    untrusted: true,
  };
  return { structured, text: describe(structured) };
}

function describe(output: ExecuteOutput): string {
  return `${output.statementType.toUpperCase()} on ${output.source}: ${output.rowsAffected} row(s) affected${output.rows.length > 0 ? `, ${output.rows.length} row(s) returned` : ''}.`;
}

/** Registered only when at least one source is read-write; only those sources are accepted. */
export function executeStatementTool(writableSources: readonly string[]) {
  return defineTool({
    name: 'execute_statement',
    title: 'Execute a writing SQL statement',
    description:
      'Runs exactly one INSERT, UPDATE, DELETE or DDL statement on a read-write source and commits it. Destructive: the hub may ask a human to approve. ' +
      'Use placeholders and `params` for values. The result reports the statement type and rows affected.',
    input: z.object({
      source: sourceArgument(writableSources),
      sql: z.string().min(1).max(100_000),
      params: ParamsSchema,
      idempotency_key: IdempotencyKeySchema,
    }),
    output: ExecuteOutputSchema,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    handler: async (args, ctx, deps: DatabaseDeps) => {
      const { source: name, sql, params } = args;
      const source = requireSource(deps, name);
      if (source.readOnly) throw new ToolError('forbidden', `The source ${name} is read-only.`);
      let statement: ClassifiedStatement;
      try {
        statement = source.classify(sql, 'write');
      } catch (error) {
        throw toToolError(error);
      }
      return runWrite(deps, ctx, source, statement, params, args, 'execute_statement');
    },
  });
}
