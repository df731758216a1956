export { ConnectorHarness, ConnectorReplyError } from './connector-harness';
export type { HarnessCallOptions } from './connector-harness';
export { createEchoConnector, sleep } from './echo-connector';
export type { EchoDeps } from './echo-connector';
export { describeIdempotencyStoreBehaviour } from './idempotency-store-behaviour';
export { HOSTILE_FRAGMENTS, hostileText } from './hostile-text';
export { fenceAt, parseFences } from './parse-fences';
export type { ParsedFence } from './parse-fences';
export { toolTable, toolTableInReadme, withToolTable } from './tool-table';
