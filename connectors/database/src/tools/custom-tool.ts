import { z } from 'zod';
import { defineTool, type ToolDefinition } from '@mcp-hub/connector-kit';
import type { CustomToolConfig, CustomToolParameter } from '../config';
import type { DatabaseDeps } from '../database-deps';
import type { DatabaseSource } from '../database-source';
import type { SqlValue } from '../engines/engine';
import { scanSql } from '../sql/sql-scanner';
import type { ClassifiedStatement } from '../sql/statement-classifier';
import { callLimits, guarded } from '../tool-errors';
import { ExecuteOutputSchema, IdempotencyKeySchema, runWrite } from './execute-statement';
import { QueryOutputSchema, queryOutput } from './run-query';
import { readOnlyAnnotations } from './tool-schemas';

/** A custom tool checked against its source at startup: statement classified, placeholders bound to parameters. */
export interface CompiledCustomTool {
  config: CustomToolConfig;
  source: DatabaseSource;
  statement: ClassifiedStatement;
  purpose: 'read' | 'write';
  /** Parameter name for each native placeholder, in order. */
  bindings: string[];
}

/**
 * Compiles `customTools[index]`: rewrites `:name` placeholders to the engine's native ones and
 * classifies the statement with the source's policy. A write on a read-only source, an unknown
 * or unused parameter, or a refused statement stops startup with an error naming the key.
 */
export function compileCustomTool(config: CustomToolConfig, index: number, source: DatabaseSource): CompiledCustomTool {
  const key = `customTools.${index}`;
  const engine = source.config.engine;
  let scanned;
  try {
    scanned = scanSql(config.statement, engine);
  } catch (error) {
    throw new Error(`${key}.statement: ${(error as Error).message}`);
  }
  const declared = new Map(config.parameters.map((p) => [p.name, p]));
  if (declared.size !== config.parameters.length) throw new Error(`${key}.parameters: duplicate parameter name`);
  if (declared.has('idempotency_key')) throw new Error(`${key}.parameters: idempotency_key is reserved`);
  const bindings: string[] = [];
  const numbered = new Map<string, number>();
  let text = '';
  let at = 0;
  for (const placeholder of scanned.placeholders) {
    if (!declared.has(placeholder.name)) throw new Error(`${key}.statement: placeholder :${placeholder.name} has no parameter`);
    let native = '?';
    if (engine === 'postgres') {
      if (!numbered.has(placeholder.name)) {
        bindings.push(placeholder.name);
        numbered.set(placeholder.name, bindings.length);
      }
      native = `$${numbered.get(placeholder.name)}`;
    } else bindings.push(placeholder.name);
    text += scanned.text.slice(at, placeholder.start) + native;
    at = placeholder.end;
  }
  text += scanned.text.slice(at);
  for (const name of declared.keys()) {
    if (!bindings.includes(name)) throw new Error(`${key}.parameters: parameter ${name} is not used in the statement`);
  }

  let statement: ClassifiedStatement;
  let purpose: 'read' | 'write' = 'read';
  try {
    statement = source.classify(text, 'read');
  } catch (readError) {
    try {
      statement = source.classify(text, 'write');
      purpose = 'write';
    } catch (writeError) {
      const error = /^\s*(select|with)\b/i.test(text) ? readError : writeError;
      throw new Error(`${key}.statement: ${(error as Error).message}`);
    }
  }
  if (purpose === 'write' && source.readOnly) {
    throw new Error(`${key}.statement: a ${statement.statementType.toUpperCase()} needs a read-write source, and ${source.name} is read-only`);
  }
  return { config, source, statement, purpose, bindings };
}

function parameterSchema(parameter: CustomToolParameter): z.ZodType {
  let schema: z.ZodType;
  if (parameter.enum) {
    const values = parameter.enum.map((v) => z.literal(v));
    schema = values.length === 1 ? values[0]! : z.union(values as unknown as [z.ZodLiteral, z.ZodLiteral, ...z.ZodLiteral[]]);
  } else if (parameter.type === 'string') {
    let s = z.string().max(parameter.maxLength ?? 10_000);
    if (parameter.pattern) s = s.regex(new RegExp(parameter.pattern));
    schema = s;
  } else if (parameter.type === 'boolean') {
    schema = z.boolean();
  } else {
    let n = parameter.type === 'integer' ? z.number().int() : z.number();
    if (parameter.minimum !== undefined) n = n.min(parameter.minimum);
    if (parameter.maximum !== undefined) n = n.max(parameter.maximum);
    schema = n;
  }
  if (parameter.description) schema = schema.describe(parameter.description);
  if (parameter.default !== undefined) return schema.default(parameter.default as never);
  return parameter.required ? schema : schema.optional();
}

/** The tool for a compiled custom statement: typed parameters in, query or write result out. */
export function customTool(compiled: CompiledCustomTool): ToolDefinition<DatabaseDeps> {
  const { config, source, statement, purpose, bindings } = compiled;
  const shape = Object.fromEntries(config.parameters.map((p) => [p.name, parameterSchema(p)]));
  const values = (args: Record<string, unknown>): SqlValue[] => bindings.map((name) => (args[name] ?? null) as SqlValue);
  const description = `${config.description}\n(Runs a fixed ${statement.statementType.toUpperCase()} on source ${source.name}.)`;
  if (purpose === 'read') {
    return defineTool({
      name: config.name,
      title: config.title,
      description,
      input: z.object(shape),
      output: QueryOutputSchema,
      annotations: readOnlyAnnotations,
      handler: async (args, ctx) => queryOutput(source.name, await guarded(() => source.collect(statement, values(args), source.config.maxRows, callLimits(ctx)))),
    });
  }
  return defineTool({
    name: config.name,
    title: config.title,
    description,
    input: z.object({ ...shape, idempotency_key: IdempotencyKeySchema }),
    output: ExecuteOutputSchema,
    annotations: { readOnlyHint: false, destructiveHint: config.destructive ?? true, idempotentHint: false, openWorldHint: false },
    handler: async (args, ctx, deps: DatabaseDeps) =>
      runWrite(deps, ctx, source, statement, values(args), args as { idempotency_key?: string }, config.name),
  });
}
