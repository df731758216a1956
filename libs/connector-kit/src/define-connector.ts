import type { Manifest } from '@mcp-hub/connector-contract';
import { CONTRACT_VERSION, ManifestSchema, foreignResource, qualifiedToolName } from '@mcp-hub/connector-contract';
import type { ToolDefinition } from './define-tool';
import type { ResourceDefinition, ResourceTemplateDefinition } from './define-resource';
import type { PromptDefinition } from './define-prompt';
import type { HandlerContext } from './handler-context';

/** The toolset a connector's tools belong to when it declares `tools` rather than `toolsets`. */
export const DEFAULT_TOOLSET = 'default';

export interface ConnectorSpec<D> {
  id: string;
  version: string;
  title?: string;
  description?: string;
  /**
   * The tools, grouped in named toolsets that configuration can switch on and off (`toolsets`,
   * see `exposeTools`). Give either `toolsets` or `tools` (one toolset named `default`).
   */
  toolsets?: Record<string, ToolDefinition<D>[]>;
  tools?: ToolDefinition<D>[];
  resources?: ResourceDefinition<D>[];
  resourceTemplates?: ResourceTemplateDefinition<D>[];
  prompts?: PromptDefinition<D>[];
  /**
   * Called when a client subscribes to one of the connector's resources (after the kit checked
   * that the URI is the connector's): for a connector that must ask its own upstream for updates.
   */
  subscribe?: (uri: string, ctx: HandlerContext, deps: D) => Promise<void>;
}

/** A connector: its manifest and the definitions that serve it. `D` is what its handlers need (clients, stores). */
export interface ConnectorDefinition<D> {
  readonly manifest: Manifest;
  readonly tools: ReadonlyMap<string, ToolDefinition<D>>;
  /** Toolset name → the names of its tools, in declaration order. */
  readonly toolsets: ReadonlyMap<string, readonly string[]>;
  readonly resources: ReadonlyMap<string, ResourceDefinition<D>>;
  readonly resourceTemplates: readonly ResourceTemplateDefinition<D>[];
  readonly prompts: ReadonlyMap<string, PromptDefinition<D>>;
  readonly subscribe?: (uri: string, ctx: HandlerContext, deps: D) => Promise<void>;
}

/**
 * Collects a connector's tools, resources and prompts and builds its manifest.
 * @throws when a name repeats or a qualified name would exceed 64 characters, so a bad
 *   connector fails at startup rather than at the first call.
 */
export function defineConnector<D>(spec: ConnectorSpec<D>): ConnectorDefinition<D> {
  if ((spec.toolsets === undefined) === (spec.tools === undefined)) throw new Error(`connector ${spec.id}: give either toolsets or tools`);
  const toolsetEntries = Object.entries(spec.toolsets ?? { [DEFAULT_TOOLSET]: spec.tools! });
  const allTools = toolsetEntries.flatMap(([, tools]) => tools);
  const tools = uniqueBy(allTools, (t) => t.descriptor.name, 'tool');
  const toolsets = new Map(toolsetEntries.map(([name, members]) => [name, members.map((t) => t.descriptor.name)]));
  const prompts = uniqueBy(spec.prompts ?? [], (p) => p.descriptor.name, 'prompt');
  const resources = uniqueBy(spec.resources ?? [], (r) => r.descriptor.uri, 'resource');
  uniqueBy(spec.resourceTemplates ?? [], (r) => r.descriptor.uriTemplate, 'resource template');
  for (const name of [...tools.keys(), ...prompts.keys()]) qualifiedToolName(spec.id, name);
  const foreign = foreignResource({ id: spec.id, resources: (spec.resources ?? []).map((r) => r.descriptor), resourceTemplates: (spec.resourceTemplates ?? []).map((t) => t.descriptor) });
  if (foreign !== undefined) throw new Error(`connector ${spec.id}: resource ${foreign} must use the connector's own scheme ${spec.id}:// (the hub refuses others)`);
  const manifest = ManifestSchema.parse({
    id: spec.id,
    version: spec.version,
    contractVersion: CONTRACT_VERSION,
    title: spec.title,
    description: spec.description,
    tools: allTools.map((t) => t.descriptor),
    resources: (spec.resources ?? []).map((r) => r.descriptor),
    resourceTemplates: (spec.resourceTemplates ?? []).map((r) => r.descriptor),
    prompts: (spec.prompts ?? []).map((p) => p.descriptor),
  });
  return { manifest, tools, toolsets, resources, resourceTemplates: spec.resourceTemplates ?? [], prompts, ...(spec.subscribe && { subscribe: spec.subscribe }) };
}

function uniqueBy<T>(items: T[], key: (item: T) => string, what: string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (map.has(k)) throw new Error(`duplicate ${what} "${k}"`);
    map.set(k, item);
  }
  return map;
}
