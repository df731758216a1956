import type { z } from 'zod';
import type { PromptDescriptor, PromptMessage } from '@mcp-hub/connector-contract';
import { PromptDescriptorSchema } from '@mcp-hub/connector-contract';
import type { HandlerContext } from './handler-context';
import type { Completer } from './define-resource';
import { ToolError } from './tool-error';
import { firstIssue } from './zod-issue';

/** Prompt arguments are strings on the wire (MCP), so the schema is an object of string fields. */
type StringArgs = z.ZodObject<Record<string, z.ZodString | z.ZodOptional<z.ZodString>>>;

export interface PromptDefinition<D> {
  readonly descriptor: PromptDescriptor;
  render(rawArguments: Record<string, string>, ctx: HandlerContext, deps: D): Promise<{ description?: string; messages: PromptMessage[] }>;
  readonly complete: Record<string, Completer<D>>;
}

export function definePrompt<D, A extends StringArgs>(spec: {
  name: string;
  title?: string;
  description?: string;
  /** Scopes a principal needs to see and get the prompt (and complete its arguments). */
  scopes?: string[];
  arguments: A;
  /** Descriptions of the arguments, shown to users picking the prompt. */
  argumentDescriptions?: Partial<Record<keyof z.infer<A> & string, string>>;
  render(args: z.infer<A>, ctx: HandlerContext, deps: D): Promise<{ description?: string; messages: PromptMessage[] }>;
  complete?: Partial<Record<keyof z.infer<A> & string, Completer<D>>>;
}): PromptDefinition<D> {
  const descriptor = PromptDescriptorSchema.parse({
    name: spec.name,
    title: spec.title,
    description: spec.description,
    ...(spec.scopes && { scopes: spec.scopes }),
    arguments: Object.entries(spec.arguments.shape).map(([name, field]) => ({
      name,
      description: (spec.argumentDescriptions as Record<string, string> | undefined)?.[name],
      required: !field.safeParse(undefined).success,
    })),
  });
  return {
    descriptor,
    async render(rawArguments, ctx, deps) {
      const args = spec.arguments.safeParse(rawArguments);
      if (!args.success) throw new ToolError('invalid_arguments', `Invalid prompt arguments: ${firstIssue(args.error)}`);
      return spec.render(args.data, ctx, deps);
    },
    complete: (spec.complete ?? {}) as Record<string, Completer<D>>,
  };
}
