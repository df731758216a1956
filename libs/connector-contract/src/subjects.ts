import { ConnectorIdSchema, InvalidNameError, ToolNameSchema } from './names';

/** Every NATS subject starts with this prefix; the `v1` moves with the contract's major version. */
export const SUBJECT_PREFIX = 'mcphub.v1';

/** Queue group every replica of a connector joins, so each request reaches exactly one replica. */
export function connectorQueueGroup(connector: string): string {
  return `mcphub.${checkedConnector(connector)}`;
}

/** Subjects are built only here, and only from validated names: never from client input directly. */
export const subjects = {
  /** Request-reply: one tool call. */
  invoke: (connector: string, tool: string) => `${SUBJECT_PREFIX}.${checkedConnector(connector)}.invoke.${checkedTool(tool)}`,
  /** Request-reply: read one resource of the connector. */
  resourceRead: (connector: string) => `${SUBJECT_PREFIX}.${checkedConnector(connector)}.resource.read`,
  /** Request-reply: the hub tells the connector a client watches a resource (the connector may refuse unknown URIs). */
  resourceSubscribe: (connector: string) => `${SUBJECT_PREFIX}.${checkedConnector(connector)}.resource.subscribe`,
  /** Publish (connector → hubs): a resource changed. */
  resourceUpdated: (connector: string) => `${SUBJECT_PREFIX}.${checkedConnector(connector)}.resource.updated`,
  /** Wildcard the hub listens on for every connector's resource updates. */
  allResourceUpdates: () => `${SUBJECT_PREFIX}.*.resource.updated`,
  /** Request-reply: render one prompt. */
  promptGet: (connector: string) => `${SUBJECT_PREFIX}.${checkedConnector(connector)}.prompt.get`,
  /** Request-reply: argument completion for a prompt or resource template. */
  complete: (connector: string) => `${SUBJECT_PREFIX}.${checkedConnector(connector)}.complete`,
  /** Publish (hub → every replica of a connector): abort an invocation in flight. */
  cancel: (connector: string) => `${SUBJECT_PREFIX}.${checkedConnector(connector)}.cancel`,
  /** Publish (connector → hubs): a replica's manifest, sent at start and on discovery. */
  announce: () => `${SUBJECT_PREFIX}.registry.announce`,
  /** Publish (connector → hubs): a replica is alive. */
  heartbeat: () => `${SUBJECT_PREFIX}.registry.heartbeat`,
  /** Publish (connector → hubs): a replica is draining and takes no new work. */
  goodbye: () => `${SUBJECT_PREFIX}.registry.goodbye`,
  /** Publish (hub → connectors): every live replica announces itself again. */
  discover: () => `${SUBJECT_PREFIX}.registry.discover`,
  /** Publish (connector → one hub): events of invocations that hub started (which replica took it, progress). */
  hubEvents: (hubId: string) => `${SUBJECT_PREFIX}.hub.${checkedHubId(hubId)}.events`,
  /** Publish (hub → every hub): a client cancelled a request of its session (hubs only). */
  // `_hubs`: a connector id cannot contain `_`, so no connector's `mcphub.v1.<id>.>` permission covers it.
  sessionCancellations: () => `${SUBJECT_PREFIX}._hubs.cancelled`,
} as const;

const HUB_ID = /^[a-zA-Z0-9-]{1,64}$/;

/** True when a subject is a hub event inbox built by {@link subjects.hubEvents}; connectors publish nowhere else on a request's say-so. */
export function isHubEventsSubject(subject: string): boolean {
  const prefix = `${SUBJECT_PREFIX}.hub.`;
  const suffix = '.events';
  if (!subject.startsWith(prefix) || !subject.endsWith(suffix)) return false;
  return HUB_ID.test(subject.slice(prefix.length, -suffix.length));
}

function checkedConnector(connector: string): string {
  if (!ConnectorIdSchema.safeParse(connector).success) throw new InvalidNameError(`invalid connector id: ${JSON.stringify(connector)}`);
  return connector;
}

function checkedTool(tool: string): string {
  if (!ToolNameSchema.safeParse(tool).success) throw new InvalidNameError(`invalid tool name: ${JSON.stringify(tool)}`);
  return tool;
}

function checkedHubId(hubId: string): string {
  if (!HUB_ID.test(hubId)) throw new InvalidNameError(`invalid hub id: ${JSON.stringify(hubId)}`);
  return hubId;
}
