export { CONTRACT_VERSION, contractMajor } from './contract-version';
export {
  ConnectorIdSchema,
  ToolNameSchema,
  MAX_QUALIFIED_NAME_LENGTH,
  InvalidNameError,
  RESERVED_CONNECTOR_IDS,
  qualifiedToolName,
  prefixedName,
  NamePrefixSchema,
  qualifiedResourceName,
  parseQualifiedName,
} from './names';
export type { ConnectorId, ToolName } from './names';
export { DEFAULT_NAMESPACE, NamespaceSchema, Subjects } from './subjects';
export type { RegistryEvent } from './subjects';
export { headers } from './headers';
export {
  ObjectJsonSchema,
  ToolAnnotationsSchema,
  ExecutionSchema,
  ToolDescriptorSchema,
  ResourceDescriptorSchema,
  ResourceTemplateDescriptorSchema,
  PromptArgumentSchema,
  PromptDescriptorSchema,
  ManifestSchema,
  foreignResource,
} from './manifest';
export type {
  ToolAnnotations,
  ToolDescriptor,
  ResourceDescriptor,
  ResourceTemplateDescriptor,
  PromptDescriptor,
  Manifest,
  ManifestInput,
} from './manifest';
export { ReplicaIdSchema, AnnouncementSchema, HeartbeatSchema, GoodbyeSchema, DiscoverSchema } from './registry';
export type { Announcement, Heartbeat, Goodbye, Discover } from './registry';
export { ErrorKindSchema, ErrorReplySchema } from './errors';
export type { ErrorKind, ErrorReply } from './errors';
export { ContentBlockSchema, ResourceContentsSchema, PromptMessageSchema } from './content';
export type { ContentBlock, ResourceContents, PromptMessage } from './content';
export {
  PrincipalSchema,
  InvocationRequestSchema,
  ResourceReadRequestSchema,
  ResourceSubscribeRequestSchema,
  PromptGetRequestSchema,
  CompletionRequestSchema,
  ToolResultSchema,
  REPLAYED_META_KEY,
  ResourceReadResultSchema,
  PromptGetResultSchema,
  CompletionResultSchema,
  ReplySchema,
  replySchemaFor,
  HubEventSchema,
  CancelMessageSchema,
  ResourceUpdatedSchema,
} from './invocation';
export { SessionCancellationSchema } from './hub-to-hub';
export type { SessionCancellation } from './hub-to-hub';
export type {
  Principal,
  InvocationRequest,
  ResourceReadRequest,
  ResourceSubscribeRequest,
  PromptGetRequest,
  CompletionRequest,
  ToolResult,
  ResourceReadResult,
  PromptGetResult,
  CompletionResult,
  Reply,
  HubEvent,
  CancelMessage,
  ResourceUpdated,
} from './invocation';
export { encode, decode, tryDecode, MalformedMessageError } from './codec';
export { manifestDigest } from './manifest-digest';
export { canonicalJson, canonicalHash } from './canonical-json';
export { UriTemplate } from './uri-template';
