import { z } from 'zod';
import { ConnectorIdSchema, InvalidNameError, ToolNameSchema } from './names';

/** The namespace of a deployment that has not configured one. */
export const DEFAULT_NAMESPACE = 'mcphub';

/**
 * A deployment namespace: the first token of every subject and queue group, so that several
 * deployments can share one NATS without seeing each other's connectors. One NATS token: no
 * dots, wildcards or spaces.
 */
export const NamespaceSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'namespace must match ^[a-z][a-z0-9-]{0,31}$ (lowercase letters, digits and "-")');

/** The version token after the namespace; it moves with the contract's major version. */
const WIRE_VERSION = 'v2';

const HUB_ID = /^[a-zA-Z0-9-]{1,64}$/;

/** What a registry message says about a replica. */
export type RegistryEvent = 'announce' | 'heartbeat' | 'goodbye';

/**
 * Every NATS subject and queue group of one deployment namespace, built (and taken apart) only
 * here, and only from validated names: never from client input directly.
 *
 * Registry subjects carry the connector id (`<ns>.v2.registry.<id>.announce`), so a NATS
 * permission can bind a connector's user to its own id: a connector cannot speak for another.
 */
export class Subjects {
  /** `<namespace>.v2`: the start of every subject of this deployment. */
  readonly prefix: string;

  /** @throws InvalidNameError when `namespace` is not a valid {@link NamespaceSchema}. */
  constructor(readonly namespace: string = DEFAULT_NAMESPACE) {
    if (!NamespaceSchema.safeParse(namespace).success) throw new InvalidNameError(`invalid namespace: ${JSON.stringify(namespace)}`);
    this.prefix = `${namespace}.${WIRE_VERSION}`;
  }

  /** Queue group every replica of a connector joins, so each request reaches exactly one replica. */
  queueGroup(connector: string): string {
    return `${this.namespace}.${checkedConnector(connector)}`;
  }

  /** Request-reply: one tool call. */
  invoke(connector: string, tool: string): string {
    return `${this.prefix}.${checkedConnector(connector)}.invoke.${checkedTool(tool)}`;
  }

  /** Request-reply: read one resource of the connector. */
  resourceRead(connector: string): string {
    return `${this.prefix}.${checkedConnector(connector)}.resource.read`;
  }

  /** Request-reply: the hub tells the connector a client watches a resource (the connector may refuse unknown URIs). */
  resourceSubscribe(connector: string): string {
    return `${this.prefix}.${checkedConnector(connector)}.resource.subscribe`;
  }

  /** Publish (connector → hubs): a resource changed. */
  resourceUpdated(connector: string): string {
    return `${this.prefix}.${checkedConnector(connector)}.resource.updated`;
  }

  /** Wildcard the hub listens on for every connector's resource updates. */
  allResourceUpdates(): string {
    return `${this.prefix}.*.resource.updated`;
  }

  /** The connector a {@link resourceUpdated} subject belongs to, or undefined for any other subject. */
  resourceUpdatedSender(subject: string): string | undefined {
    return this.tokenBetween(subject, `${this.prefix}.`, '.resource.updated', ConnectorIdSchema);
  }

  /** Request-reply: render one prompt. */
  promptGet(connector: string): string {
    return `${this.prefix}.${checkedConnector(connector)}.prompt.get`;
  }

  /** Request-reply: argument completion for a prompt or resource template. */
  complete(connector: string): string {
    return `${this.prefix}.${checkedConnector(connector)}.complete`;
  }

  /** Publish (hub → every replica of a connector): abort an invocation in flight. */
  cancel(connector: string): string {
    return `${this.prefix}.${checkedConnector(connector)}.cancel`;
  }

  /**
   * Publish (connector → hubs): a replica's manifest (`announce`, at start and on discovery), that
   * it is alive (`heartbeat`), or that it drains and takes no new work (`goodbye`).
   */
  registry(connector: string, event: RegistryEvent): string {
    return `${this.prefix}.registry.${checkedConnector(connector)}.${event}`;
  }

  /** Wildcard the hub listens on for one kind of registry message of every connector. */
  allRegistry(event: RegistryEvent): string {
    return `${this.prefix}.registry.*.${event}`;
  }

  /**
   * The connector a {@link registry} subject belongs to: the identity the bus vouched for (NATS
   * permissions), which the payload must agree with. Undefined for any other subject.
   */
  registrySender(subject: string, event: RegistryEvent): string | undefined {
    return this.tokenBetween(subject, `${this.prefix}.registry.`, `.${event}`, ConnectorIdSchema);
  }

  /** Publish (hub → connectors): every live replica announces itself again. */
  discover(): string {
    return `${this.prefix}.discover`;
  }

  /** Publish (connector → one hub): events of invocations that hub started (which replica took it, progress). */
  hubEvents(hubId: string): string {
    return `${this.prefix}.hub.${checkedHub(hubId)}.events`;
  }

  /** True when a subject is a hub event inbox built by {@link hubEvents}; connectors publish nowhere else on a request's say-so. */
  isHubEvents(subject: string): boolean {
    const prefix = `${this.prefix}.hub.`;
    const suffix = '.events';
    if (!subject.startsWith(prefix) || !subject.endsWith(suffix)) return false;
    return HUB_ID.test(subject.slice(prefix.length, -suffix.length));
  }

  /**
   * Request-reply (connector → the hub that started a call): a server-to-client request
   * (elicitation, sampling, roots) for that call's client. The connector id is in the subject so
   * a NATS permission can bind it (`<ns>.v2.hub.*.ask.<id>`); the hub checks the call is that
   * connector's.
   */
  clientRequests(hubId: string, connector: string): string {
    return `${this.prefix}.hub.${checkedHub(hubId)}.ask.${checkedConnector(connector)}`;
  }

  /** What a hub subscribes to for the {@link clientRequests} of its calls. */
  allClientRequests(hubId: string): string {
    return `${this.prefix}.hub.${checkedHub(hubId)}.ask.*`;
  }

  /** The connector a {@link clientRequests} subject names, or undefined for any other subject. */
  clientRequestSender(subject: string, hubId: string): string | undefined {
    return this.tokenBetween(subject, `${this.prefix}.hub.${checkedHub(hubId)}.ask.`, '', ConnectorIdSchema);
  }

  /**
   * First tokens of a connector's reply inboxes (`_INBOX_<ns>.<connector>`): it reads the
   * answers to its {@link clientRequests} there, and its NATS user may subscribe to that and to
   * no other inbox (not `_INBOX.>`, where the hubs' replies travel).
   */
  connectorInboxPrefix(connector: string): string {
    return `_INBOX_${this.namespace}.${checkedConnector(connector)}`;
  }

  /** The hub id of a {@link hubEvents} subject (where a call's client requests go), or undefined. */
  hubOfEvents(subject: string): string | undefined {
    if (!this.isHubEvents(subject)) return undefined;
    return subject.slice(`${this.prefix}.hub.`.length, -'.events'.length);
  }

  /**
   * Publish (hub → every hub): a 2025-era client answered a server-to-client request on another
   * replica than the one that sent it (hubs only, like {@link sessionCancellations}).
   */
  clientResponses(): string {
    return `${this.prefix}._hubs.client-responses`;
  }

  /**
   * Request-reply (hub → the hub that holds a 2026-era call waiting for input): a client's retry
   * with its answers reached another replica (`RoundResumeSchema`). Hubs only.
   */
  roundResume(hubId: string): string {
    return `${this.prefix}._hubs.${checkedHub(hubId)}.resume`;
  }

  /**
   * Publish (hub → every hub): a client cancelled a request of its session (hubs only).
   * `_hubs`: a connector id cannot contain `_`, so no connector's `<ns>.v2.<id>.>` permission covers it.
   */
  sessionCancellations(): string {
    return `${this.prefix}._hubs.cancelled`;
  }

  private tokenBetween(subject: string, prefix: string, suffix: string, schema: z.ZodType<string>): string | undefined {
    if (!subject.startsWith(prefix) || !subject.endsWith(suffix) || subject.length <= prefix.length + suffix.length) return undefined;
    const token = subject.slice(prefix.length, subject.length - suffix.length);
    return schema.safeParse(token).success ? token : undefined;
  }
}

function checkedConnector(connector: string): string {
  if (!ConnectorIdSchema.safeParse(connector).success) throw new InvalidNameError(`invalid connector id: ${JSON.stringify(connector)}`);
  return connector;
}

function checkedHub(hubId: string): string {
  if (!HUB_ID.test(hubId)) throw new InvalidNameError(`invalid hub id: ${JSON.stringify(hubId)}`);
  return hubId;
}

function checkedTool(tool: string): string {
  if (!ToolNameSchema.safeParse(tool).success) throw new InvalidNameError(`invalid tool name: ${JSON.stringify(tool)}`);
  return tool;
}
