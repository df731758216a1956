import type { ResourceContents, ResourceDescriptor, ResourceTemplateDescriptor } from '@mcp-hub/connector-contract';
import { ResourceDescriptorSchema, ResourceTemplateDescriptorSchema } from '@mcp-hub/connector-contract';
import type { HandlerContext } from './handler-context';
import { UriTemplate } from '@mcp-hub/connector-contract';

/** A fixed resource (one URI). */
export interface ResourceDefinition<D> {
  readonly descriptor: ResourceDescriptor;
  read(ctx: HandlerContext, deps: D): Promise<ResourceContents[]>;
}

export function defineResource<D>(spec: ResourceDescriptor & { read(ctx: HandlerContext, deps: D): Promise<ResourceContents[]> }): ResourceDefinition<D> {
  const { read, ...descriptor } = spec;
  return { descriptor: ResourceDescriptorSchema.parse(descriptor), read };
}

/**
 * Completes one template variable or prompt argument from what the user typed so far;
 * `context` holds the values of the other arguments already chosen (MCP `context.arguments`).
 */
export type Completer<D> = (value: string, ctx: HandlerContext, deps: D, context: Readonly<Record<string, string>>) => Promise<string[]>;

/** A family of resources addressed by a URI template. */
export interface ResourceTemplateDefinition<D> {
  readonly descriptor: ResourceTemplateDescriptor;
  readonly template: UriTemplate;
  read(params: Record<string, string>, uri: string, ctx: HandlerContext, deps: D): Promise<ResourceContents[]>;
  readonly complete: Record<string, Completer<D>>;
}

export function defineResourceTemplate<D>(
  spec: ResourceTemplateDescriptor & {
    read(params: Record<string, string>, uri: string, ctx: HandlerContext, deps: D): Promise<ResourceContents[]>;
    complete?: Record<string, Completer<D>>;
  },
): ResourceTemplateDefinition<D> {
  const { read, complete, ...descriptor } = spec;
  return {
    descriptor: ResourceTemplateDescriptorSchema.parse(descriptor),
    template: new UriTemplate(descriptor.uriTemplate),
    read,
    complete: complete ?? {},
  };
}
