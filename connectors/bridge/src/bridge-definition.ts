import type { Logger } from 'pino';
import {
  ContentBlockSchema,
  PromptGetResultSchema,
  ResourceContentsSchema,
  ToolResultSchema,
  type ContentBlock,
  type PromptDescriptor,
  type ResourceContents,
  type ToolAnnotations,
  type ToolResult,
} from '@mcp-hub/connector-contract';
import {
  ToolError,
  defineConnector,
  defineResource,
  defineResourceTemplate,
  type Completer,
  type ConnectorDefinition,
  type HandlerContext,
  type PromptDefinition,
  type ResourceDefinition,
  type ResourceTemplateDefinition,
  type ToolDefinition,
} from '@mcp-hub/connector-kit';
import type { BridgeConfig } from './config';
import { schemaProblem } from './schema-check';
import { passedMeta } from './upstream-meta';
import { NameMap } from './tool-names';
import type { UpstreamCompleteParams, UpstreamListing, UpstreamPrompt, UpstreamResource, UpstreamResourceTemplate, UpstreamTool } from './upstream-client';
import type { UpstreamLink } from './upstream-link';
import { UpstreamUris } from './upstream-uris';

/** What the bridge's handlers need. */
export interface BridgeDeps {
  link: UpstreamLink;
}

/** Hints of a tool whose upstream states none: the MCP spec's defaults (a tool may write, destroy and reach the world). */
const SPEC_DEFAULT_HINTS = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

/** The manifest's limits (`ManifestSchema`): beyond them entries are left out, with a log line. */
const LIMITS = { tools: 500, resources: 1000, resourceTemplates: 200, prompts: 200 } as const;

export interface BridgeDefinitionOptions {
  id: string;
  version: string;
  config: BridgeConfig;
  logger: Logger;
}

/**
 * The connector a bridge serves for one listing of its upstream: every tool, resource, template
 * and prompt the hub can carry, under hub names (snake_case) and URIs (`<id>://…`). Anything it
 * cannot carry (a name with no snake_case form, a schema the hub cannot compile, a URI without a
 * scheme, a template beyond RFC 6570 level 1) is left out with a log line naming it; the rest is
 * served.
 */
export function bridgeDefinition(listing: UpstreamListing, options: BridgeDefinitionOptions): ConnectorDefinition<BridgeDeps> {
  const { id, logger } = options;
  const uris = new UpstreamUris(id);
  const leftOut = (what: string, name: string, reason: string) => logger.warn({ [what]: name.slice(0, 200), reason }, `upstream ${what} left out: ${reason}`);
  const toolNames = new NameMap();
  const tools = capped(listing.tools, LIMITS.tools, 'tool', logger).flatMap((tool) => bridgedTool(tool, toolNames, options, uris, leftOut));
  const offered = new Set(listing.tools.map((tool) => tool.name));
  for (const name of Object.keys(options.config.annotations)) {
    if (!offered.has(name)) logger.warn({ tool: name }, 'annotations configured for a tool the upstream does not offer');
  }
  const resources = dedupe(
    capped(listing.resources, LIMITS.resources, 'resource', logger).flatMap((resource) => bridgedResource(resource, options, uris, leftOut)),
    (r) => r.descriptor.uri,
  );
  const resourceTemplates = dedupe(
    capped(listing.resourceTemplates, LIMITS.resourceTemplates, 'resource template', logger).flatMap((template) => bridgedTemplate(template, options, uris, leftOut)),
    (t) => t.descriptor.uriTemplate,
  );
  const promptNames = new NameMap();
  const prompts = capped(listing.prompts, LIMITS.prompts, 'prompt', logger).flatMap((prompt) => bridgedPrompt(prompt, promptNames, options, uris, leftOut));
  return defineConnector<BridgeDeps>({
    id,
    version: options.version,
    tools,
    resources,
    resourceTemplates,
    prompts,
    ...(listing.subscribe && {
      subscribe: async (uri: string, ctx: HandlerContext, deps: BridgeDeps) => deps.link.subscribe(upstreamUri(uris, uri), ctx),
    }),
  });
}

type LeftOut = (what: string, name: string, reason: string) => void;

function bridgedTool(tool: UpstreamTool, names: NameMap, options: BridgeDefinitionOptions, uris: UpstreamUris, leftOut: LeftOut): ToolDefinition<BridgeDeps>[] {
  const mapped = names.add(tool.name);
  if ('problem' in mapped) return (leftOut('tool', tool.name, mapped.problem), []);
  const inputProblem = schemaProblem(tool.inputSchema as Record<string, unknown>);
  if (inputProblem) return (leftOut('tool', tool.name, `its input schema cannot be compiled: ${inputProblem}`), []);
  const outputProblem = tool.outputSchema && schemaProblem(tool.outputSchema as Record<string, unknown>);
  if (outputProblem) return (leftOut('tool', tool.name, `its output schema cannot be compiled: ${outputProblem}`), []);
  const upstream = tool.annotations ?? {};
  const override = options.config.annotations[tool.name] ?? {};
  const stated = (key: keyof typeof SPEC_DEFAULT_HINTS) => override[key] ?? (typeof upstream[key] === 'boolean' ? upstream[key] : undefined);
  // The spec's defaults for destructive and idempotent matter only for tools that write; a
  // read-only tool that states neither neither destroys nor changes anything when repeated.
  const readOnly = stated('readOnlyHint') ?? SPEC_DEFAULT_HINTS.readOnlyHint;
  const hint = (key: keyof typeof SPEC_DEFAULT_HINTS) => stated(key) ?? (readOnly && key === 'destructiveHint' ? false : readOnly && key === 'idempotentHint' ? true : SPEC_DEFAULT_HINTS[key]);
  const title = (tool.title ?? upstream.title)?.slice(0, 200);
  const annotations: ToolAnnotations = {
    ...(title !== undefined && { title }),
    readOnlyHint: hint('readOnlyHint'),
    destructiveHint: hint('destructiveHint'),
    idempotentHint: hint('idempotentHint'),
    openWorldHint: hint('openWorldHint'),
  };
  const descriptor = {
    name: mapped.name,
    ...(title !== undefined && { title }),
    description: (tool.description ?? '').slice(0, 4000),
    // Passed through unchanged: the hub validates arguments against exactly what the upstream declared.
    inputSchema: tool.inputSchema as Record<string, unknown> & { type: 'object' },
    ...(tool.outputSchema && { outputSchema: tool.outputSchema as Record<string, unknown> & { type: 'object' } }),
    annotations,
    execution: 'sync' as const,
    scopes: [],
  };
  const maxBytes = options.config.maxResultBytes;
  return [
    {
      descriptor,
      async run(rawArguments, ctx, deps) {
        const args = (rawArguments ?? {}) as Record<string, unknown>;
        const result = await deps.link.request(ctx, `the call of ${tool.name}`, (client, request) => client.callTool(tool.name, args, request));
        return toolResult(checkedSize(result, maxBytes), uris);
      },
    },
  ];
}

function bridgedResource(resource: UpstreamResource, options: BridgeDefinitionOptions, uris: UpstreamUris, leftOut: LeftOut): ResourceDefinition<BridgeDeps>[] {
  const uri = uris.wrap(resource.uri);
  if (uri === undefined || uri.length > 2048) return (leftOut('resource', resource.uri, 'its URI has no scheme or is too long'), []);
  const upstreamUri = resource.uri;
  const maxBytes = options.config.maxResultBytes;
  return [
    defineResource<BridgeDeps>({
      uri,
      name: (resource.name || upstreamUri).slice(0, 200),
      ...(resource.title !== undefined && { title: resource.title.slice(0, 200) }),
      ...(resource.description !== undefined && { description: resource.description.slice(0, 4000) }),
      ...(resource.mimeType !== undefined && { mimeType: resource.mimeType.slice(0, 200) }),
      read: (ctx, deps) => readUpstream(upstreamUri, ctx, deps, uris, maxBytes),
    }),
  ];
}

function bridgedTemplate(template: UpstreamResourceTemplate, options: BridgeDefinitionOptions, uris: UpstreamUris, leftOut: LeftOut): ResourceTemplateDefinition<BridgeDeps>[] {
  const uriTemplate = uris.wrap(template.uriTemplate);
  if (uriTemplate === undefined || uriTemplate.length > 2048) return (leftOut('resource template', template.uriTemplate, 'it does not start with a scheme or is too long'), []);
  const upstreamTemplate = template.uriTemplate;
  const maxBytes = options.config.maxResultBytes;
  try {
    const definition = defineResourceTemplate<BridgeDeps>({
      uriTemplate,
      name: (template.name || upstreamTemplate).slice(0, 200),
      ...(template.title !== undefined && { title: template.title.slice(0, 200) }),
      ...(template.description !== undefined && { description: template.description.slice(0, 4000) }),
      ...(template.mimeType !== undefined && { mimeType: template.mimeType.slice(0, 200) }),
      read: (_params, uri, ctx, deps) => readUpstream(upstreamUri(uris, uri), ctx, deps, uris, maxBytes),
    });
    const complete = Object.fromEntries(
      definition.template.variables.map((variable) => [variable, completer({ ref: { type: 'ref/resource', uri: upstreamTemplate }, argument: { name: variable, value: '' } })]),
    );
    return [{ ...definition, complete }];
  } catch (error) {
    return (leftOut('resource template', upstreamTemplate, `the hub serves RFC 6570 level-1 templates only (${(error as Error).message.slice(0, 100)})`), []);
  }
}

function bridgedPrompt(prompt: UpstreamPrompt, names: NameMap, options: BridgeDefinitionOptions, uris: UpstreamUris, leftOut: LeftOut): PromptDefinition<BridgeDeps>[] {
  const mapped = names.add(prompt.name);
  if ('problem' in mapped) return (leftOut('prompt', prompt.name, mapped.problem), []);
  const descriptor: PromptDescriptor = {
    name: mapped.name,
    ...(prompt.title !== undefined && { title: prompt.title.slice(0, 200) }),
    ...(prompt.description !== undefined && { description: prompt.description.slice(0, 4000) }),
    arguments: (prompt.arguments ?? []).slice(0, 50).map((argument) => ({
      name: argument.name.slice(0, 100),
      ...(argument.description !== undefined && { description: argument.description.slice(0, 1000) }),
      required: argument.required ?? false,
    })),
  };
  const maxBytes = options.config.maxResultBytes;
  return [
    {
      descriptor,
      async render(args, ctx, deps) {
        const result = await deps.link.request(ctx, `the prompt ${prompt.name}`, (client, request) => client.getPrompt(prompt.name, args, request));
        const messages = checkedSize(result, maxBytes).messages.map((message) => ({ role: message.role, content: wrapContent(message.content, uris) }));
        const parsed = PromptGetResultSchema.safeParse({ description: result.description?.slice(0, 4000), messages });
        if (!parsed.success) throw new ToolError('upstream', `The upstream MCP server sent a prompt the hub cannot carry (${parsed.error.issues[0]?.message ?? 'invalid'}).`);
        return parsed.data;
      },
      complete: Object.fromEntries(descriptor.arguments.map((argument) => [argument.name, completer({ ref: { type: 'ref/prompt', name: prompt.name }, argument: { name: argument.name, value: '' } })])),
    },
  ];
}

/** Completes one argument by asking the upstream (`params` names the reference and the argument; the value is filled in per request). */
function completer(params: UpstreamCompleteParams): Completer<BridgeDeps> {
  return async (value, ctx, deps, context) => {
    const upstream = { ...params, argument: { name: params.argument.name, value }, ...(Object.keys(context).length > 0 && { context: { arguments: { ...context } } }) };
    const result = await deps.link.request(ctx, 'a completion', (client, request) => client.complete(upstream, request));
    return result.completion.values.filter((v): v is string => typeof v === 'string').map((v) => v.slice(0, 1000));
  };
}

async function readUpstream(uri: string, ctx: HandlerContext, deps: BridgeDeps, uris: UpstreamUris, maxBytes: number): Promise<ResourceContents[]> {
  const result = await deps.link.request(ctx, `reading ${uri}`, (client, request) => client.readResource(uri, request));
  return checkedSize(result, maxBytes).contents.map((contents) => {
    const parsed = ResourceContentsSchema.safeParse({ ...contents, uri: uris.wrap(contents.uri) ?? contents.uri });
    if (!parsed.success) throw new ToolError('upstream', 'The upstream MCP server sent resource contents the hub cannot carry.');
    return parsed.data;
  });
}

/** The upstream URI of a hub URI the hub routed here. */
function upstreamUri(uris: UpstreamUris, uri: string): string {
  const upstream = uris.unwrap(uri);
  if (upstream === undefined) throw new ToolError('not_found', `No resource ${uri} in this connector.`);
  return upstream;
}

/** The answer, unless its JSON is over the cap: then a tool error the model can act on (ask for less). */
function checkedSize<T>(answer: T, maxBytes: number): T {
  const bytes = Buffer.byteLength(JSON.stringify(answer));
  if (bytes > maxBytes) {
    throw new ToolError('upstream', `The upstream MCP server's answer is ${bytes} bytes, over this connector's limit of ${maxBytes}. Ask for less (a narrower query, a smaller range).`);
  }
  return answer;
}

function toolResult(result: Record<string, unknown>, uris: UpstreamUris): ToolResult {
  const content = Array.isArray(result['content']) ? result['content'].map((block) => wrapContent(block, uris)) : [];
  const structured = result['structuredContent'];
  const meta = passedMeta(result['_meta']);
  const parsed = ToolResultSchema.safeParse({
    content,
    ...(structured !== null && typeof structured === 'object' && !Array.isArray(structured) && { structuredContent: structured }),
    ...(result['isError'] === true && { isError: true }),
    ...(meta && { _meta: meta }),
  });
  if (!parsed.success) throw new ToolError('upstream', `The upstream MCP server sent a result the hub cannot carry (${parsed.error.issues[0]?.message ?? 'invalid'}).`);
  return parsed.data;
}

/** A content block with its resource URIs under the connector's scheme, so that a client can read them through the hub. */
function wrapContent(block: unknown, uris: UpstreamUris): ContentBlock {
  const parsed = ContentBlockSchema.safeParse(block);
  if (!parsed.success) throw new ToolError('upstream', 'The upstream MCP server sent content the hub cannot carry.');
  const content = parsed.data;
  if (content.type === 'resource_link') return { ...content, uri: uris.wrap(content.uri) ?? content.uri };
  if (content.type === 'resource') return { ...content, resource: { ...content.resource, uri: uris.wrap(content.resource.uri) ?? content.resource.uri } };
  return content;
}

function capped<T>(items: T[], limit: number, what: string, logger: Logger): T[] {
  if (items.length > limit) logger.warn({ offered: items.length, limit }, `the upstream offers more than ${limit} of ${what}s: the rest are left out`);
  return items.slice(0, limit);
}

function dedupe<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}
