export { BRIDGE_CONNECTOR_ID, bridgeModule, connectorModule, connectorModuleFor } from './bridge-module';
export { BridgeConfigSchema } from './config';
export type { BridgeConfig, BridgeConfigInput, UpstreamConfig } from './config';
export type { BridgeDeps } from './bridge-definition';
export { UpstreamUris } from './upstream-uris';
export { hubName } from './tool-names';
