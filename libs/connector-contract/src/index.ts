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
  RETRY_AFTER_META_KEY,
  APPROVAL_META_KEY,
  ApprovalMetaSchema,
  ResourceReadResultSchema,
  PromptGetResultSchema,
  CompletionResultSchema,
  ReplySchema,
  replySchemaFor,
  HubEventSchema,
  CancelMessageSchema,
  ResourceUpdatedSchema,
} from './invocation';
export { SessionCancellationSchema, RelayedClientResponseSchema, RoundResumeSchema, RoundOutcomeSchema } from './hub-to-hub';
export type { SessionCancellation, RelayedClientResponse, RoundResume, RoundOutcome } from './hub-to-hub';
export {
  ClientCapabilitySchema,
  ElicitParamsSchema,
  ElicitResultSchema,
  CreateMessageParamsSchema,
  CreateMessageResultSchema,
  ListRootsResultSchema,
  ClientRequestSchema,
  CAPABILITY_FOR_METHOD,
  CLIENT_RESULT_SCHEMAS,
  ClientRequestMessageSchema,
  ClientRequestErrorKindSchema,
  ClientReplySchema,
} from './client-requests';
export type {
  ClientCapability,
  ElicitParams,
  ElicitResult,
  CreateMessageParams,
  CreateMessageResult,
  ListRootsResult,
  ClientRequest,
  ClientRequestMessage,
  ClientRequestErrorKind,
  ClientReply,
} from './client-requests';
export type {
  Principal,
  InvocationRequest,
  ResourceReadRequest,
  ResourceSubscribeRequest,
  PromptGetRequest,
  CompletionRequest,
  ApprovalMeta,
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
export { MANIFEST_SIGNATURE_PREFIX, manifestSignatureFault, manifestSigningInput, signManifest } from './manifest-signature';
export type { ManifestSignatureFault } from './manifest-signature';
export { canonicalJson, canonicalHash } from './canonical-json';
export { UriTemplate } from './uri-template';
export {
  PRINCIPAL_ASSERTION_ISSUER,
  PRINCIPAL_ASSERTION_TYPE,
  DEFAULT_PRINCIPAL_ASSERTION_TTL_MS,
  PrincipalAssertionClaimsSchema,
  principalAssertionClaims,
  principalOfAssertion,
} from './principal-assertion';
export type { PrincipalAssertionClaims } from './principal-assertion';
export { JOB_ASSERTION_TYPE, JobAssertionClaimsSchema, jobAssertionClaims, jobArgumentsHash } from './job-assertion';
export type { JobAssertionClaims, JobAssertionSubject } from './job-assertion';
export {
  JobKeys,
  newJobId,
  connectorOfJob,
  JobIdSchema,
  JOB_URI_PREFIX,
  jobUri,
  jobIdOfUri,
  JobDataSchema,
  JobProgressSchema,
  JobFailureSchema,
  RETRIED_JOB_ERROR_KINDS,
} from './jobs';
export type { JobData, JobProgress, JobFailure } from './jobs';
