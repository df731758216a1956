export { slackModule, connectorModule, createSlackConnector } from './slack-module';
export { SlackConfigSchema, slackConfigFromEnv } from './config';
export type { SlackConfig } from './config';
export { slackConnector } from './connector';
export type { SlackDeps, SlackIdentity } from './slack-deps';
export { SLACK_ID } from './client-name';
export { channelHistoryUri } from './channel-resources';
