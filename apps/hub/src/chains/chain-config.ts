import { z } from 'zod';
import { MAX_QUALIFIED_NAME_LENGTH } from '@mcp-hub/connector-contract';

/** What every chain's tool name starts with: `chain_<name>`. */
export const CHAIN_TOOL_PREFIX = 'chain_';

const NAME = /^[a-z][a-z0-9_]*$/;

/** A chain's name: what follows `chain_` in its tool name. */
export const ChainNameSchema = z
  .string()
  .regex(NAME, 'must be snake_case: a lowercase letter, then lowercase letters, digits or _')
  .max(MAX_QUALIFIED_NAME_LENGTH - CHAIN_TOOL_PREFIX.length, `must leave the tool name chain_<name> within ${MAX_QUALIFIED_NAME_LENGTH} characters`);

/** A step's id, which expressions name as `steps.<id>`. */
const StepIdSchema = z.string().regex(NAME, 'must be snake_case: a lowercase letter, then lowercase letters, digits or _').max(40);

/** A JSONata expression (https://jsonata.org), evaluated against `{ input, steps }`. */
const ExpressionSchema = z.string().min(1).max(10_000);

/**
 * One argument of a step: a JSONata expression (a string; a literal string is quoted inside it,
 * `"'#support'"`), or a number, boolean or null taken as it is.
 */
const ArgumentSchema = z.union([ExpressionSchema, z.number(), z.boolean(), z.null()]);

export const ChainStepSchema = z.strictObject({
  id: StepIdSchema,
  /** The tool as MCP clients see it (`helpdesk_get_ticket`), or another chain (`chain_<name>`). */
  tool: z.string().min(1).max(MAX_QUALIFIED_NAME_LENGTH),
  /** The tool's arguments, each an expression over `{ input, steps }`. */
  arguments: z.record(z.string().min(1).max(100), ArgumentSchema).default({}),
  /** Steps this one waits for besides those its expressions name (`steps.<id>`). */
  needs: z.array(StepIdSchema).max(50).default([]),
  /** Runs the step only when this expression is truthy; otherwise the step is skipped (its `steps.<id>` is absent). */
  when: ExpressionSchema.optional(),
  /** Attempts when the tool answers with an error (`isError`), with a doubling delay between them. */
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(10).default(1),
      backoffMs: z.number().int().min(0).max(60_000).default(500),
    })
    .prefault({}),
});
export type ChainStep = z.infer<typeof ChainStepSchema>;

/** Annotations of the chain's tool; by default those of a tool that writes to the outside world. */
const AnnotationsSchema = z
  .strictObject({
    readOnlyHint: z.boolean().default(false),
    destructiveHint: z.boolean().default(true),
    idempotentHint: z.boolean().default(false),
    openWorldHint: z.boolean().default(true),
  })
  .prefault({});

export const ChainDefinitionSchema = z.strictObject({
  title: z.string().min(1).max(200).optional(),
  description: z.string().min(1).max(4000),
  /** JSON Schema (2020-12) of the chain's arguments: an object schema, checked before any step runs. */
  inputSchema: z.record(z.string(), z.unknown()).refine((schema) => schema.type === 'object', 'must be a JSON Schema with "type": "object"'),
  /** Scopes a principal needs to see and call the chain, besides being able to see every step's tool. */
  scopes: z.array(z.string().min(1).max(100)).max(20).default([]),
  annotations: AnnotationsSchema,
  steps: z.array(ChainStepSchema).min(1).max(50),
  /** The chain's result, an expression over `{ input, steps }`. Default: every step's result by id. */
  output: ExpressionSchema.optional(),
});
export type ChainDefinition = z.infer<typeof ChainDefinitionSchema>;

/** `chains` of a chain file or of the hub configuration: definitions by name. */
export const ChainDefinitionsSchema = z.record(ChainNameSchema, ChainDefinitionSchema);
export type ChainDefinitions = z.infer<typeof ChainDefinitionsSchema>;

/** The tool name of chain `name`. */
export function chainToolName(name: string): string {
  return `${CHAIN_TOOL_PREFIX}${name}`;
}
