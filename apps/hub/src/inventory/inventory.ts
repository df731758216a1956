import { EventEmitter } from 'node:events';
import {
  contractMajor,
  CONTRACT_VERSION,
  foreignResource,
  prefixedName,
  Subjects,
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

/** A live connector as the admin page shows it: the served manifest and every replica. */
export interface ConnectorSnapshot {
  id: string;
  version: string;
  title?: string;
  description?: string;
  tools: ReadonlyArray<{ name: string; title?: string; readOnly: boolean; destructive: boolean }>;
  resources: number;
  resourceTemplates: number;
  prompts: number;
  replicas: ReadonlyArray<{ replicaId: string; version: string; serving: boolean; sameManifest: boolean; lastSeenMsAgo: number; heartbeatMs: number }>;
}

/** Which lists changed, so only those list_changed notifications are sent. */
export interface InventoryChange {
  tools: boolean;
  resources: boolean;
  prompts: boolean;
}

/** One live replica of a connector, with the manifest it announced. */
interface Replica {
  lastSeen: number;
  heartbeatMs: number;
  manifest: Manifest;
  digest: string;
  /** When this replica first announced this digest, as an inventory-wide sequence number (newer is larger). */
  since: number;
}

interface ConnectorEntry {
  /** When the connector appeared (inventory-wide sequence): on a name collision the earlier one keeps the name. */
  arrival: number;
  /** The manifest clients see: always one that a live replica in `replicas` announced. */
  served: { manifest: Manifest; digest: string; replicaId: string };
  replicas: Map<string, Replica>;
}

/** Live replicas whose manifest differs from the one served. */
export interface Disagreement {
  connector: string;
  served: { replicaId: string; digest: string };
  others: Array<{ replicaId: string; digest: string }>;
}

/** Two connectors would expose the same client-visible name: the one that came later is refused it. */
export interface NameCollision {
  kind: 'tool' | 'prompt';
  name: string;
  /** The connector that keeps the name (it came first). */
  kept: string;
  /** The connector whose tool or prompt is left out. */
  refused: string;
}

export type AnnounceResult = { accepted: true; disagreement?: Disagreement } | { accepted: false; reason: string };

/**
 * The union of what live connector replicas offer. Lists are computed once per change, not per
 * request: `tools/list` is a hot path.
 *
 * Which manifest is served when the live replicas of one connector disagree (a rolling upgrade,
 * or replicas started with different settings): the one whose replica announced it most recently
 * as new, i.e. the newest version during an upgrade. Re-announcements of an unchanged manifest
 * (discovery) do not count as new, so two versions side by side do not flap. When the replica
 * whose manifest is served leaves, the manifest of the newest remaining replica is served: the
 * served manifest is always one that a live replica announced. Who may announce for a connector
 * id is the bus's business (per-connector registry subjects and NATS permissions).
 *
 * Events: `change` when a client-visible list changed; `replicaLost` when a replica missed its
 * heartbeats (it may have died mid-call; a replica that said goodbye finishes its calls and is
 * not lost); `servedChanged` when a connector's served manifest switched to another replica's.
 */
export class Inventory extends EventEmitter<{
  change: [InventoryChange];
  replicaLost: [string, string];
  servedChanged: [connector: string, served: { replicaId: string; digest: string }];
  collision: [NameCollision];
}> {
  private readonly connectors = new Map<string, ConnectorEntry>();
  private sequence = 0;
  private toolIndex = new Map<string, InventoryTool>();
  private promptIndex = new Map<string, InventoryPrompt>();
  private resourceIndex = new Map<string, { connector: string; descriptor: ResourceDescriptor }>();
  private templateList: InventoryResourceTemplate[] = [];
  private toolList: InventoryTool[] = [];
  /** Collisions already reported, so that each is logged once while it lasts. */
  private reportedCollisions = new Set<string>();

  /**
   * @param prefixes the name prefix of each connector whose clients do not see `<id>_<name>`
   *   (`''` for none; see `NamePrefixSchema`); every other connector's prefix is its id.
   */
  constructor(
    private readonly subjects: Subjects = new Subjects(),
    private readonly prefixes: ReadonlyMap<string, string> = new Map(),
  ) {
    super();
  }

  /** What clients see before a connector's tool and prompt names (its id unless configured). */
  prefixOf(connector: string): string {
    return this.prefixes.get(connector) ?? connector;
  }

  /**
   * Records an announcement. Refuses it when the contract major differs or the manifest cannot be
   * published (names too long). A replica new to this inventory, or announcing a new manifest,
   * reports the live replicas of its connector that disagree with the served manifest.
   */
  announce(replicaId: string, manifest: Manifest, digest: string, heartbeatMs: number, now = Date.now()): AnnounceResult {
    if (contractMajor(manifest.contractVersion) !== contractMajor(CONTRACT_VERSION)) {
      return { accepted: false, reason: `contract ${manifest.contractVersion} is not compatible with ${CONTRACT_VERSION}` };
    }
    const foreign = foreignResource(manifest);
    if (foreign !== undefined) return { accepted: false, reason: `resource ${foreign.slice(0, 200)} is not under the connector's own scheme ${manifest.id}://` };
    try {
      const prefix = this.prefixOf(manifest.id);
      for (const tool of manifest.tools) prefixedName(prefix, tool.name);
      for (const prompt of manifest.prompts) prefixedName(prefix, prompt.name);
      for (const template of manifest.resourceTemplates) new UriTemplate(template.uriTemplate);
    } catch (error) {
      return { accepted: false, reason: (error as Error).message };
    }
    const entry = this.connectors.get(manifest.id);
    const known = entry?.replicas.get(replicaId);
    if (known && known.digest === digest) {
      known.lastSeen = now;
      known.heartbeatMs = heartbeatMs;
      return { accepted: true };
    }
    const replica: Replica = { lastSeen: now, heartbeatMs, manifest, digest, since: ++this.sequence };
    if (!entry) {
      this.connectors.set(manifest.id, { arrival: replica.since, served: { manifest, digest, replicaId }, replicas: new Map([[replicaId, replica]]) });
      this.rebuild(diff(undefined, manifest));
      return { accepted: true };
    }
    entry.replicas.set(replicaId, replica);
    this.serveNewest(manifest.id, entry);
    const disagreement = this.disagreement(manifest.id, entry);
    return disagreement ? { accepted: true, disagreement } : { accepted: true };
  }

  /** Records a heartbeat. Returns false when the replica or its manifest is unknown (the caller asks for discovery). */
  heartbeat(connector: string, replicaId: string, digest: string, now = Date.now()): boolean {
    const replica = this.connectors.get(connector)?.replicas.get(replicaId);
    if (!replica || replica.digest !== digest) return false;
    replica.lastSeen = now;
    return true;
  }

  /**
   * Removes one replica (goodbye or expiry). The connector disappears with its last replica; if
   * the replica's manifest was the one served, the newest remaining replica's is served instead.
   */
  remove(connector: string, replicaId: string): void {
    const entry = this.connectors.get(connector);
    if (!entry || !entry.replicas.delete(replicaId)) return;
    if (entry.replicas.size === 0) {
      this.connectors.delete(connector);
      this.rebuild(diff(entry.served.manifest, undefined));
      return;
    }
    this.serveNewest(connector, entry);
  }

  /** Drops replicas that missed three heartbeats. Returns what was dropped. */
  expire(now = Date.now()): Array<{ connector: string; replicaId: string }> {
    const dropped: Array<{ connector: string; replicaId: string }> = [];
    for (const [connector, entry] of this.connectors) {
      for (const [replicaId, replica] of entry.replicas) {
        if (now - replica.lastSeen > replica.heartbeatMs * 3) dropped.push({ connector, replicaId });
      }
    }
    for (const { connector, replicaId } of dropped) {
      this.remove(connector, replicaId);
      this.emit('replicaLost', connector, replicaId);
    }
    return dropped;
  }

  /** The digest of the manifest served for a connector, and the replica that announced it. */
  served(connector: string): { replicaId: string; digest: string } | undefined {
    const served = this.connectors.get(connector)?.served;
    return served && { replicaId: served.replicaId, digest: served.digest };
  }

  /** Every live connector with its replicas, sorted by id (for the admin page; not a hot path). */
  snapshot(now = Date.now()): ConnectorSnapshot[] {
    return [...this.connectors.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([id, entry]) => {
        const { manifest } = entry.served;
        return {
          id,
          version: manifest.version,
          title: manifest.title,
          description: manifest.description,
          tools: manifest.tools.map((t) => ({ name: t.name, title: t.title, readOnly: t.annotations?.readOnlyHint === true, destructive: t.annotations?.destructiveHint !== false && t.annotations?.readOnlyHint !== true })),
          resources: manifest.resources.length,
          resourceTemplates: manifest.resourceTemplates.length,
          prompts: manifest.prompts.length,
          replicas: [...entry.replicas].map(([replicaId, replica]) => ({
            replicaId,
            version: replica.manifest.version,
            serving: replicaId === entry.served.replicaId,
            sameManifest: replica.digest === entry.served.digest,
            lastSeenMsAgo: Math.max(0, now - replica.lastSeen),
            heartbeatMs: replica.heartbeatMs,
          })),
        };
      });
  }

  /** Serves the manifest of the replica that announced newest; rebuilds the lists if that changed it. */
  private serveNewest(connector: string, entry: ConnectorEntry): void {
    let newest: [string, Replica] | undefined;
    for (const pair of entry.replicas) if (!newest || pair[1].since > newest[1].since) newest = pair;
    const [replicaId, replica] = newest!;
    if (entry.served.replicaId === replicaId && entry.served.digest === replica.digest) return;
    const previous = entry.served;
    entry.served = { manifest: replica.manifest, digest: replica.digest, replicaId };
    if (previous.digest === replica.digest) return;
    this.rebuild(diff(previous.manifest, replica.manifest));
    this.emit('servedChanged', connector, { replicaId, digest: replica.digest });
  }

  private disagreement(connector: string, entry: ConnectorEntry): Disagreement | undefined {
    const others = [...entry.replicas]
      .filter(([, replica]) => replica.digest !== entry.served.digest)
      .map(([replicaId, replica]) => ({ replicaId, digest: replica.digest }));
    if (others.length === 0) return undefined;
    return { connector, served: { replicaId: entry.served.replicaId, digest: entry.served.digest }, others };
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
  /** Scopes needed to read `uri` (its exact resource's, or the first matching template's); undefined when nothing serves it. */
  resourceScopes(uri: string): readonly string[] | undefined {
    const exact = this.resourceIndex.get(uri);
    if (exact) return exact.descriptor.scopes ?? [];
    const template = this.templateList.find((t) => t.template.match(uri) !== undefined);
    return template && (template.descriptor.scopes ?? []);
  }

  /** Scopes needed to complete arguments of the template `uriTemplate`. */
  templateScopes(uriTemplate: string): readonly string[] {
    return this.templateList.find((t) => t.descriptor.uriTemplate === uriTemplate)?.descriptor.scopes ?? [];
  }

  templateOwner(uriTemplate: string): string | undefined {
    return this.templateList.find((t) => t.descriptor.uriTemplate === uriTemplate)?.connector;
  }

  connectorIds(): string[] {
    return [...this.connectors.keys()];
  }

  replicaCount(connector: string): number {
    return this.connectors.get(connector)?.replicas.size ?? 0;
  }

  private rebuild(change: InventoryChange): void {
    const tools = new Map<string, InventoryTool>();
    const prompts = new Map<string, InventoryPrompt>();
    const resources = new Map<string, { connector: string; descriptor: ResourceDescriptor }>();
    const templates: InventoryResourceTemplate[] = [];
    const collisions: NameCollision[] = [];
    const owners = this.nameOwners(collisions);
    // Lists in id order (stable across hub replicas); who owns a contested name was decided by arrival.
    for (const id of [...this.connectors.keys()].sort()) {
      const { manifest } = this.connectors.get(id)!.served;
      const prefix = this.prefixOf(id);
      for (const descriptor of manifest.tools) {
        const qualifiedName = prefixedName(prefix, descriptor.name);
        if (owners.tools.get(qualifiedName) === id) tools.set(qualifiedName, { qualifiedName, connector: id, descriptor, subject: this.subjects.invoke(id, descriptor.name) });
      }
      for (const descriptor of manifest.prompts) {
        const qualifiedName = prefixedName(prefix, descriptor.name);
        if (owners.prompts.get(qualifiedName) === id) prompts.set(qualifiedName, { qualifiedName, connector: id, descriptor });
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
    this.reportCollisions(collisions);
    if (change.tools || change.resources || change.prompts) this.emit('change', change);
  }

  /**
   * Which connector each client-visible tool and prompt name belongs to: connectors in order of
   * arrival, so that on a collision the one that was there first keeps the name. The later
   * ones' claims are added to `collisions`.
   */
  private nameOwners(collisions: NameCollision[]): { tools: Map<string, string>; prompts: Map<string, string> } {
    const owners = { tools: new Map<string, string>(), prompts: new Map<string, string>() };
    const byArrival = [...this.connectors].sort(([, a], [, b]) => a.arrival - b.arrival);
    for (const [id, entry] of byArrival) {
      const prefix = this.prefixOf(id);
      for (const [kind, descriptors] of [['tool', entry.served.manifest.tools], ['prompt', entry.served.manifest.prompts]] as const) {
        const owner = kind === 'tool' ? owners.tools : owners.prompts;
        for (const descriptor of descriptors) {
          const name = prefixedName(prefix, descriptor.name);
          const holder = owner.get(name);
          if (holder === undefined) owner.set(name, id);
          else if (holder !== id) collisions.push({ kind, name, kept: holder, refused: id });
        }
      }
    }
    return owners;
  }

  /** Emits each collision once while it lasts; one that ended is reported again if it comes back. */
  private reportCollisions(collisions: NameCollision[]): void {
    const current = new Set<string>();
    for (const collision of collisions) {
      const key = `${collision.kind} ${collision.name} ${collision.kept} ${collision.refused}`;
      current.add(key);
      if (!this.reportedCollisions.has(key)) this.emit('collision', collision);
    }
    this.reportedCollisions = current;
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
