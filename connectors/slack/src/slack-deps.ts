import type { IdempotencyStore } from '@mcp-hub/connector-kit';
import type { ChannelAllowlist } from './channel-allowlist';
import type { SlackClient } from './slack-client';
import type { MentionPolicy } from './slack-markup';

/** Who the connector is in Slack (auth.test): its own messages carry these ids. */
export interface SlackIdentity {
  userId: string;
  botId: string;
  teamId: string;
}

/** What every Slack handler receives. Built once by `create`; handlers construct nothing. */
export interface SlackDeps {
  readonly slack: SlackClient;
  readonly channels: ChannelAllowlist;
  readonly self: SlackIdentity;
  readonly mentions: MentionPolicy;
  readonly idempotency: IdempotencyStore;
  readonly includeEmails: boolean;
  readonly maxMessageChars: number;
  readonly pageSize: number;
}

/** Hard cap of every list page. */
export const MAX_PAGE_SIZE = 100;
