import { z } from 'zod';
import type { ContentBlock, ToolAnnotations, ToolDescriptor, ToolResult } from '@mcp-hub/connector-contract';
import { REPLAYED_META_KEY, ToolDescriptorSchema } from '@mcp-hub/connector-contract';
import type { HandlerContext } from './handler-context';
import { ToolError } from './tool-error';
import { firstIssue } from './zod-issue';

/** What a tool handler returns: the structured result (checked against the output schema) and a short text form for the model. */
export interface ToolOutput<O> {
  structured: O;
  text: string;
  /** Resource links (large content is linked, not inlined). */
  links?: Array<{ uri: string; name: string; title?: string; mimeType?: string; description?: string }>;
  /** Set by `runIdempotent` when this is the stored result of an earlier call with the same key. */
  replayed?: true;
}

export interface ToolSpec<D, I extends z.ZodObject, O extends z.ZodObject> {
  /** snake_case verb_noun without the connector prefix (`get_ticket`). */
  name: string;
  title?: string;
  description: string;
  input: I;
  output: O;
  /** All four hints, always explicit. */
  annotations: Omit<ToolAnnotations, 'title'>;
  execution?: 'sync' | 'job';
  scopes?: string[];
  handler(args: z.infer<I>, ctx: HandlerContext, deps: D): Promise<ToolOutput<z.infer<O>>>;
}

/** A tool as the connector runtime holds it: its wire descriptor and a function that runs it from raw arguments. */
export interface ToolDefinition<D> {
  readonly descriptor: ToolDescriptor;
  run(rawArguments: unknown, ctx: HandlerContext, deps: D): Promise<ToolResult>;
}

/**
 * Declares a tool. The zod schemas become the descriptor's JSON Schemas (2020-12); arguments are
 * parsed again here on arrival (the hub validated them too), and the handler's structured result
 * is checked against the output schema so that the advertised `outputSchema` stays honest.
 */
export function defineTool<D, I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<D, I, O>): ToolDefinition<D> {
  const descriptor = ToolDescriptorSchema.parse({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: toJsonSchema(spec.input, 'input'),
    outputSchema: toJsonSchema(spec.output, 'output'),
    annotations: { title: spec.title, ...spec.annotations },
    execution: spec.execution ?? 'sync',
    scopes: spec.scopes ?? [],
  });
  return {
    descriptor,
    async run(rawArguments, ctx, deps) {
      const args = spec.input.safeParse(rawArguments ?? {});
      if (!args.success) throw new ToolError('invalid_arguments', `Invalid arguments: ${firstIssue(args.error)}`);
      const output = await spec.handler(args.data, ctx, deps);
      const structured = spec.output.safeParse(output.structured);
      if (!structured.success) {
        throw new Error(`tool ${spec.name} returned a result that does not match its output schema: ${firstIssue(structured.error)}`);
      }
      const content: ContentBlock[] = [{ type: 'text', text: output.text }];
      for (const link of output.links ?? []) content.push({ type: 'resource_link', ...link });
      return {
        content,
        structuredContent: structured.data as Record<string, unknown>,
        ...(output.replayed && { _meta: { [REPLAYED_META_KEY]: true as const } }),
      };
    },
  };
}

/** JSON Schema 2020-12 of a zod object, without the `$schema` key (MCP descriptors do not need it). */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}
