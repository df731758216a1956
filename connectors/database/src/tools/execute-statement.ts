import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ToolError, defineTool } from '@mcp-hub/connector-kit';
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
  replayed: z.boolean().describe('True when this is the stored result of an earlier call with the same idempotency key.'),
});
export type ExecuteOutput = z.infer<typeof ExecuteOutputSchema>;

export const IdempotencyKeySchema = z
  .string()
  .min(8)
  .max(200)
  .optional()
  .describe('Optional key; repeating a call with the same key returns the first result instead of writing twice.');

/** Runs a classified write with idempotency, shared by execute_statement and writing custom tools. */
export async function runWrite(
  deps: DatabaseDeps,
  source: DatabaseSource,
  statement: ClassifiedStatement,
  params: readonly SqlValue[],
  limits: ReturnType<typeof callLimits>,
  idempotencyKey: string | undefined,
  scope: string,
): Promise<{ structured: ExecuteOutput; text: string }> {
  const key = idempotencyKey && `${source.name}\u0000${scope}\u0000${idempotencyKey}`;
  const fingerprint = createHash('sha256').update(JSON.stringify([statement.text, params])).digest('hex');
  if (key) {
    const earlier = deps.idempotency.get<ExecuteOutput>(key, fingerprint);
    if (earlier) return { structured: { ...earlier, replayed: true }, text: `${describe(earlier)} (replayed: this idempotency key was already used)` };
  }
  const result = await guarded(() => source.execute(statement, params, limits));
  const structured: ExecuteOutput = {
    source: source.name,
    statementType: statement.statementType,
    rowsAffected: result.rowsAffected,
    columns: result.columns,
    rows: result.rows.slice(0, MAX_RETURNED_ROWS).map((row) => row.map((v, i) => (source.isRedacted(result.columns[i]?.name ?? '') && v !== null ? '[redacted]' : toCell(v)))),
    untrusted: true,
    replayed: false,
  };
  if (key) deps.idempotency.set(key, fingerprint, structured);
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
    handler: async ({ source: name, sql, params, idempotency_key }, ctx, deps: DatabaseDeps) => {
      const source = requireSource(deps, name);
      if (source.readOnly) throw new ToolError('forbidden', `The source ${name} is read-only.`);
      let statement: ClassifiedStatement;
      try {
        statement = source.classify(sql, 'write');
      } catch (error) {
        throw toToolError(error);
      }
      return runWrite(deps, source, statement, params, callLimits(ctx), idempotency_key, 'execute_statement');
    },
  });
}
