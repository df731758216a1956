import { EventEmitter } from 'node:events';
import {
  contractMajor,
  CONTRACT_VERSION,
  qualifiedToolName,
  subjects,
  type Manifest,
  type PromptDescriptor,
  type ResourceDescriptor,
  type ResourceTemplateDescriptor,
  type ToolDescriptor,
  UriTemplate,
} from '@mcp-hub/connector-contract';

/** A tool as clients see it, with where it lives. */
export interface InventoryTool {
  readonly qualifiedName: string;
  readonly connector: string;
  readonly descriptor: ToolDescriptor;
  /** Where calls go; built once per manifest change rather than per call (building validates the names). */
  readonly subject: string;
}

export interface InventoryPrompt {
  readonly qualifiedName: string;
  readonly connector: string;
  readonly descriptor: PromptDescriptor;
}

export interface InventoryResourceTemplate {
  readonly connector: string;
  readonly descriptor: ResourceTemplateDescriptor;
  readonly template: UriTemplate;
}

/** Which lists changed, so only those list_changed notifications are sent. */
export interface InventoryChange {
  tools: boolean;
  resources: boolean;
  prompts: boolean;
}

interface Instance {
  lastSeen: number;
  heartbeatMs: number;
  /** The manifest this replica announced (during a rolling upgrade replicas differ). */
  digest: string;
}

interface ConnectorEntry {
  manifest: Manifest;
  digest: string;
  instances: Map<string, Instance>;
}

/**
 * The union of what live connector replicas offer. Replicas of one connector must announce the
 * same manifest; when a replica announces a different one (a rolling upgrade), the newest wins.
 * Lists are computed once per change, not per request: `tools/list` is a hot path.
 */
/**
 * Events: `change` when a client-visible list changed; `replicaLost` when a replica missed its
 * heartbeats (it may have died mid-call; a replica that said goodbye finishes its calls and is
 * not lost).
 */
export class Inventory extends EventEmitter<{ change: [InventoryChange]; replicaLost: [string, string] }> {
  private readonly connectors = new Map<string, ConnectorEntry>();
  private toolIndex = new Map<string, InventoryTool>();
  private promptIndex = new Map<string, InventoryPrompt>();
  private resourceIndex = new Map<string, { connector: string; descriptor: ResourceDescriptor }>();
  private templateList: InventoryResourceTemplate[] = [];
  private toolList: InventoryTool[] = [];

  /**
   * Records an announcement. Returns false (and ignores it) when the contract major differs or
   * the manifest cannot be published (names too long).
   */
  announce(instanceId: string, manifest: Manifest, digest: string, heartbeatMs: number, now = Date.now()): { accepted: boolean; reason?: string } {
    if (contractMajor(manifest.contractVersion) !== contractMajor(CONTRACT_VERSION)) {
      return { accepted: false, reason: `contract ${manifest.contractVersion} is not compatible with ${CONTRACT_VERSION}` };
    }
    try {
      for (const tool of manifest.tools) qualifiedToolName(manifest.id, tool.name);
      for (const prompt of manifest.prompts) qualifiedToolName(manifest.id, prompt.name);
      for (const template of manifest.resourceTemplates) new UriTemplate(template.uriTemplate);
    } catch (error) {
      return { accepted: false, reason: (error as Error).message };
    }
    const entry = this.connectors.get(manifest.id);
    const known = entry?.instances.get(instanceId);
    // Only a new replica or a new manifest from a known one can change the published manifest:
    // re-announcements of older replicas during a rolling upgrade must not swap it back and forth.
    if (entry && (entry.digest === digest || known?.digest === digest)) {
      entry.instances.set(instanceId, { lastSeen: now, heartbeatMs, digest });
      return { accepted: true };
    }
    const instances = entry?.instances ?? new Map<string, Instance>();
    instances.set(instanceId, { lastSeen: now, heartbeatMs, digest });
    const previous = entry?.manifest;
    this.connectors.set(manifest.id, { manifest, digest, instances });
    this.rebuild(diff(previous, manifest));
    return { accepted: true };
  }

  /** Records a heartbeat. Returns false when the replica or its manifest is unknown (the caller asks for discovery). */
  heartbeat(connector: string, instanceId: string, digest: string, now = Date.now()): boolean {
    const instance = this.connectors.get(connector)?.instances.get(instanceId);
    if (!instance || instance.digest !== digest) return false;
    instance.lastSeen = now;
    return true;
  }

  /** Removes one replica (goodbye or expiry). The connector disappears with its last replica. */
  remove(connector: string, instanceId: string): void {
    const entry = this.connectors.get(connector);
    if (!entry || !entry.instances.delete(instanceId)) return;
    if (entry.instances.size > 0) return;
    this.connectors.delete(connector);
    this.rebuild(diff(entry.manifest, undefined));
  }

  /** Drops replicas that missed three heartbeats. Returns what was dropped. */
  expire(now = Date.now()): Array<{ connector: string; instanceId: string }> {
    const dropped: Array<{ connector: string; instanceId: string }> = [];
    for (const [connector, entry] of this.connectors) {
      for (const [instanceId, instance] of entry.instances) {
        if (now - instance.lastSeen > instance.heartbeatMs * 3) dropped.push({ connector, instanceId });
      }
    }
    for (const { connector, instanceId } of dropped) {
      this.remove(connector, instanceId);
      this.emit('replicaLost', connector, instanceId);
    }
    return dropped;
  }

  tools(): readonly InventoryTool[] {
    return this.toolList;
  }

  tool(qualifiedName: string): InventoryTool | undefined {
    return this.toolIndex.get(qualifiedName);
  }

  prompts(): Iterable<InventoryPrompt> {
    return this.promptIndex.values();
  }

  prompt(qualifiedName: string): InventoryPrompt | undefined {
    return this.promptIndex.get(qualifiedName);
  }

  resources(): Iterable<{ connector: string; descriptor: ResourceDescriptor }> {
    return this.resourceIndex.values();
  }

  resourceTemplates(): readonly InventoryResourceTemplate[] {
    return this.templateList;
  }

  /** The connector that serves a resource URI: an exact resource first, then the first matching template. */
  resourceOwner(uri: string): string | undefined {
    const exact = this.resourceIndex.get(uri);
    if (exact) return exact.connector;
    return this.templateList.find((t) => t.template.match(uri) !== undefined)?.connector;
  }

  /** The connector whose template is exactly `uriTemplate` (for completions). */
  templateOwner(uriTemplate: string): string | undefined {
    return this.templateList.find((t) => t.descriptor.uriTemplate === uriTemplate)?.connector;
  }

  connectorIds(): string[] {
    return [...this.connectors.keys()];
  }

  instanceCount(connector: string): number {
    return this.connectors.get(connector)?.instances.size ?? 0;
  }

  private rebuild(change: InventoryChange): void {
    const tools = new Map<string, InventoryTool>();
    const prompts = new Map<string, InventoryPrompt>();
    const resources = new Map<string, { connector: string; descriptor: ResourceDescriptor }>();
    const templates: InventoryResourceTemplate[] = [];
    for (const id of [...this.connectors.keys()].sort()) {
      const { manifest } = this.connectors.get(id)!;
      for (const descriptor of manifest.tools) {
        const qualifiedName = qualifiedToolName(id, descriptor.name);
        tools.set(qualifiedName, { qualifiedName, connector: id, descriptor, subject: subjects.invoke(id, descriptor.name) });
      }
      for (const descriptor of manifest.prompts) {
        const qualifiedName = qualifiedToolName(id, descriptor.name);
        prompts.set(qualifiedName, { qualifiedName, connector: id, descriptor });
      }
      for (const descriptor of manifest.resources) {
        if (!resources.has(descriptor.uri)) resources.set(descriptor.uri, { connector: id, descriptor });
      }
      for (const descriptor of manifest.resourceTemplates) {
        templates.push({ connector: id, descriptor, template: new UriTemplate(descriptor.uriTemplate) });
      }
    }
    this.toolIndex = tools;
    this.toolList = [...tools.values()];
    this.promptIndex = prompts;
    this.resourceIndex = resources;
    this.templateList = templates;
    if (change.tools || change.resources || change.prompts) this.emit('change', change);
  }
}

/** Which lists differ; a missing manifest counts as one with empty lists (a connector that offers no prompts changes no prompt list by leaving). */
function diff(before: Manifest | undefined, after: Manifest | undefined): InventoryChange {
  const same = (a: unknown[] | undefined, b: unknown[] | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  return {
    tools: !same(before?.tools, after?.tools),
    resources: !same(before?.resources, after?.resources) || !same(before?.resourceTemplates, after?.resourceTemplates),
    prompts: !same(before?.prompts, after?.prompts),
  };
}
