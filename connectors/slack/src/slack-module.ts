import type { Logger } from 'pino';
import type { ResourceUpdatePublisher } from '@mcp-hub/connector-kit';
import { Redis } from 'ioredis';
import { InMemoryIdempotencyStore, RedisIdempotencyStore, defineConnectorModule, type IdempotencyStore } from '@mcp-hub/connector-kit';
import { ChannelAllowlist } from './channel-allowlist';
import { ChannelPoller } from './channel-poller';
import { SLACK_ID } from './client-name';
import { SlackConfigSchema, slackConfigFromEnv, type SlackConfig } from './config';
import { slackConnector } from './connector';
import { SlackClient } from './slack-client';
import type { SlackDeps } from './slack-deps';

/** How long start-up may take to ask Slack who the bot is and which channels it sees, in ms. */
const START_DEADLINE_MS = 30_000;

/**
 * Connects to Slack (auth.test: the bot's own ids, which mark its messages), resolves the
 * channel allowlist, opens the idempotency store and builds the connector.
 * @throws Error naming what is wrong: a refused token, an unknown channel.
 */
export async function createSlackConnector(config: SlackConfig, logger: Logger) {
  const slack = new SlackClient({ botToken: config.botToken, userToken: config.userToken, apiUrl: config.apiUrl });
  const startup = new AbortController();
  const timer = setTimeout(() => startup.abort(), START_DEADLINE_MS);
  const ctx = { signal: startup.signal, deadline: Date.now() + START_DEADLINE_MS };
  const secrets = [config.botToken, ...(config.userToken ? [config.userToken] : []), ...(config.idempotency.redisUrl ? [config.idempotency.redisUrl] : [])];
  const redis = config.idempotency.redisUrl ? new Redis(config.idempotency.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 }) : undefined;
  try {
    const auth = await slack.call(ctx, 'auth.test', (c) => c.auth.test(), { retrySafe: true }).catch((error: Error) => {
      throw new Error(`Slack refused the bot token at start (${error.message}): check SLACK_BOT_TOKEN`);
    });
    const channels = await ChannelAllowlist.resolve(slack, ctx, config.channels, config.allowDirectMessages);
    let idempotency: IdempotencyStore;
    if (redis) {
      await redis.connect();
      idempotency = new RedisIdempotencyStore({ redis, prefix: config.idempotency.keyPrefix });
    } else {
      idempotency = new InMemoryIdempotencyStore();
    }
    const deps: SlackDeps = {
      slack,
      channels,
      self: { userId: auth.user_id ?? '', botId: auth.bot_id ?? '', teamId: auth.team_id ?? '' },
      mentions: { allowBroadcast: config.allowBroadcastMentions, allowUserGroups: config.allowUserGroupMentions },
      idempotency,
      includeEmails: config.includeEmails,
      maxMessageChars: config.maxMessageChars,
      pageSize: config.pageSize,
    };
    if (channels.channels().length === 0) logger.warn('no channels are allowed (connectors.slack.channels or SLACK_CHANNELS): every channel tool will refuse');
    const poller = new ChannelPoller(slack, channels, config.pollIntervalMs, logger);
    logger.info({ channels: channels.channels().map((c) => c.id), search: slack.hasUserToken, team: deps.self.teamId }, 'slack connector ready');
    return {
      connector: slackConnector,
      deps,
      secrets,
      attach: (replica: ResourceUpdatePublisher) => poller.start((uri) => replica.resourceUpdated(uri)),
      close: async () => {
        poller.stop();
        redis?.disconnect();
      },
    };
  } catch (error) {
    redis?.disconnect();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The Slack connector as the CLI runs it: `mcp-hub connector slack`, or inside the embedded
 * hub when configured. It has no embedded defaults: without a bot token it cannot start.
 */
export const slackModule = defineConnectorModule<SlackConfig, SlackDeps>({
  id: SLACK_ID,
  configSchema: SlackConfigSchema,
  fromEnv: slackConfigFromEnv,
  embeddedConfig: () => ({}),
  create: createSlackConnector,
});

/** The module under the name the kit's loader looks for, so the package also loads as a plugin. */
export const connectorModule = slackModule;
