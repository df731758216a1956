export type { HandlerContext } from './handler-context';
export { ToolError } from './tool-error';
export { ClientRequestFailed } from './client-request-failed';
export type { ClientCapability, ClientRequestErrorKind, ElicitParams, ElicitResult, CreateMessageParams, CreateMessageResult, ListRootsResult } from '@mcp-hub/connector-contract';
export { defineTool, toJsonSchema } from './define-tool';
export type { ToolDefinition, ToolOutput, ToolSpec } from './define-tool';
export { defineResource, defineResourceTemplate } from './define-resource';
export type { ResourceDefinition, ResourceTemplateDefinition, Completer } from './define-resource';
export { definePrompt } from './define-prompt';
export type { PromptDefinition } from './define-prompt';
export { defineConnector, DEFAULT_TOOLSET } from './define-connector';
export { ToolExposureSchema, TOOL_EXPOSURE_KEYS, UnknownToolNameError, exposeTools } from './tool-exposure';
export type { ToolExposure } from './tool-exposure';
export type { ConnectorDefinition, ConnectorSpec } from './define-connector';
export { ConnectorService, runConnector } from './connector-service';
export { ConcurrencyLimit } from './concurrency-limit';
export type { RunConnectorOptions } from './connector-service';
export { UriTemplate } from '@mcp-hub/connector-contract';
export { defineConnectorModule } from './connector-module';
export type { ConnectorModule, BuiltConnector, ReplicaLink, ResourceUpdatePublisher } from './connector-module';
export { ConnectorConfigError, booleanFromEnv, buildConnector, exposureFromEnv, resolveConnectorConfig } from './connector-config';
export type { ConnectorConfigSources } from './connector-config';
export { deepMerge, isPlainObject } from './deep-merge';
export { Redactor } from './redactor';
export { UpstreamHttp } from './upstream-http';
export type { HttpMethod, UpstreamCallContext, UpstreamHttpOptions, UpstreamRequest, UpstreamResponse } from './upstream-http';
export { upstreamToolError } from './upstream-tool-error';
export type { UpstreamFailure } from './upstream-tool-error';
export { upstreamErrorDetail } from './upstream-error-detail';
export { rateLimitWaitMs } from './rate-limit-wait';
export { backoffDelayMs } from './backoff-delay';
export type { BackoffPolicy } from './backoff-delay';
export { IDEMPOTENCY_LEASE_MARGIN_MS, IdempotencyKeySchema, runIdempotent } from './idempotency';
export type { IdempotencyClaim, IdempotencyState, IdempotencyStore } from './idempotency';
export { InMemoryIdempotencyStore } from './in-memory-idempotency-store';
export { RedisIdempotencyStore } from './redis-idempotency-store';
export type { RedisIdempotencyStoreOptions } from './redis-idempotency-store';
export { cleanUntrustedText, untrusted } from './untrusted-text';
export type { CleanOptions, UntrustedMark } from './untrusted-text';
export { fenceUntrusted, UNTRUSTED_FENCE_NOTICE } from './untrusted-fence';
export { findInvisibleCharacter, VISIBLE_LINE } from './strip-invisible';
export { MODULE_CONFIG_KEY, PREFIX_CONFIG_KEY } from './connector-config';
export { CONNECTOR_MODULE_EXPORT, CONNECTOR_MODULE_FACTORY_EXPORT, ConnectorModuleError, loadConnectorModule } from './load-connector-module';
export type { LoadConnectorModuleOptions } from './load-connector-module';
export { startConnector } from './start-connector';
export { SIGNING_KEY_CONFIG_KEY, readManifestSigningKey, signingKeyVariable } from './manifest-signing-key';
export type { RunningConnector, StartConnectorOptions } from './start-connector';
export { serveConnector } from './serve-connector';
export { runConnectorMain } from './run-connector-main';
export {
  CONNECTOR_PROCESS_KEY_SOURCES,
  ConnectorProcessConfigSchema,
  LogLevelSchema,
  connectorProcessOverlay,
  loadConnectorProcessConfig,
  numberOrText,
  parseConfigOrExplain,
  withoutEmpty,
} from './connector-process-config';
export type { ConnectorProcessConfig, ConnectorProcessFlags } from './connector-process-config';
export { ReplicaSettingsSchema } from './replica-settings';
export { ReplicaMetrics } from './replica-metrics';
export { ReplicaHttpServer } from './replica-http';
export type { ReplicaSettings } from './replica-settings';
export { readConfigFile } from './read-config-file';
export { BusUnreachableError, connectNats, exitWhenUnreachable } from './connect-nats';
export type { NatsConnection } from './connect-nats';
export { onShutdownSignal } from './on-shutdown-signal';
export { PrincipalAssertionVerifier, AssertionRejected, publicKeysFromPem } from './principal-assertion-verifier';
export type { PrincipalAssertionVerifierOptions } from './principal-assertion-verifier';
export { JobWorker } from './job-worker';
export type { JobWorkerOptions } from './job-worker';
export { JobSettingsSchema, jobConcurrency } from './job-settings';
export type { JobSettings } from './job-settings';
