import { z } from 'zod';
import { booleanFromEnv } from '@mcp-hub/connector-kit';

/** A channel id (`C…` public, `G…` private) or a channel name with or without `#`. */
const ChannelRefSchema = z.string().regex(/^(?:[CG][A-Z0-9]{2,20}|#?[a-z0-9][a-z0-9_-]{0,79})$/, 'a channel id (C…, G…) or a channel name');

/** Configuration of the Slack connector. Unknown keys are errors, named by their path. */
export const SlackConfigSchema = z.strictObject({
  /** Bot token (`xoxb-…`); set it with SLACK_BOT_TOKEN rather than in a file. Never logged. */
  botToken: z.string({ error: (issue) => (issue.input === undefined ? 'missing: set SLACK_BOT_TOKEN, or connectors.slack.botToken in the --config file' : undefined) }).regex(/^xoxb-[\w-]{8,}$/, 'a bot token (xoxb-…)'),
  /** User token (`xoxp-…`), needed by search_messages only (Slack's search.messages takes no bot token). SLACK_USER_TOKEN. */
  userToken: z.string().regex(/^xoxp-[\w-]{8,}$/, 'a user token (xoxp-…)').optional(),
  /** Base URL of the Web API; tests point it at the local fake. SLACK_API_URL. */
  apiUrl: z.url().default('https://slack.com/api/'),
  /** Channels reads and writes may touch: ids or names, names resolved to ids at start. An unknown name stops start-up. */
  channels: z.array(ChannelRefSchema).max(500).default([]),
  /** Whether the bot's direct-message conversations (D…) may be read and written. Default false. */
  allowDirectMessages: z.boolean().default(false),
  /** Whether posts may notify a whole channel or workspace (@channel, @here, @everyone). Default false: neutralised. */
  allowBroadcastMentions: z.boolean().default(false),
  /** Whether posts may mention user groups (<!subteam^…>). Default false: neutralised. */
  allowUserGroupMentions: z.boolean().default(false),
  /** Whether list_users/get_user return email addresses. Default false. */
  includeEmails: z.boolean().default(false),
  /** Longest message text a write tool accepts, in characters. Default 4000 (Slack truncates past 40 000). */
  maxMessageChars: z.number().int().min(1).max(40_000).default(4000),
  /** How often subscribed channel histories are polled for new messages, in ms; 0 turns polling off. Default 60 000. */
  pollIntervalMs: z.number().int().min(0).max(3_600_000).default(60_000),
  /** Default page size of list tools; each tool also has a hard cap. Default 20. */
  pageSize: z.number().int().min(1).max(100).default(20),
  /** Redis shared by all replicas for idempotency keys; without it keys live in this replica only. SLACK_IDEMPOTENCY_REDIS_URL. */
  idempotency: z.strictObject({ redisUrl: z.string().regex(/^rediss?:\/\//).optional(), keyPrefix: z.string().min(1).max(100).default('mcphub:slack:idem:') }).prefault({}),
});
export type SlackConfig = z.output<typeof SlackConfigSchema>;

/**
 * Configuration from the environment: SLACK_BOT_TOKEN, SLACK_USER_TOKEN, SLACK_API_URL,
 * SLACK_CHANNELS (comma-separated ids or names), SLACK_ALLOW_DIRECT_MESSAGES,
 * SLACK_POLL_INTERVAL_MS and SLACK_IDEMPOTENCY_REDIS_URL. SLACK_WRITE_MODE and the other tool
 * settings are read by the kit. Unset variables add no key, so the connector counts as
 * configured only when one is set.
 */
export function slackConfigFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (env.SLACK_BOT_TOKEN) config.botToken = env.SLACK_BOT_TOKEN;
  if (env.SLACK_USER_TOKEN) config.userToken = env.SLACK_USER_TOKEN;
  if (env.SLACK_API_URL) config.apiUrl = env.SLACK_API_URL;
  if (env.SLACK_CHANNELS) config.channels = env.SLACK_CHANNELS.split(',').map((c) => c.trim()).filter(Boolean);
  const dms = booleanFromEnv(env.SLACK_ALLOW_DIRECT_MESSAGES);
  if (dms !== undefined) config.allowDirectMessages = dms;
  if (env.SLACK_POLL_INTERVAL_MS) config.pollIntervalMs = Number(env.SLACK_POLL_INTERVAL_MS);
  if (env.SLACK_IDEMPOTENCY_REDIS_URL) config.idempotency = { redisUrl: env.SLACK_IDEMPOTENCY_REDIS_URL };
  return config;
}
