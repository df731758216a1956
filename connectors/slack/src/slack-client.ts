import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import { ToolError, backoffDelayMs } from '@mcp-hub/connector-kit';

export type { ConversationsHistoryResponse, ConversationsListResponse, UsersInfoResponse } from '@slack/web-api';

/** What a call to Slack needs from the tool call it serves. */
export interface SlackCallContext {
  readonly signal: AbortSignal;
  /** Absolute deadline, epoch ms: no retry or wait goes past it. */
  readonly deadline: number;
}

/** Which token a method is called with: the bot's, or the user token (search.messages takes no bot token). */
export type TokenKind = 'bot' | 'user';

export interface SlackClientOptions {
  botToken: string;
  userToken?: string;
  /** Base URL of the Web API, e.g. `https://slack.com/api/`. */
  apiUrl: string;
  /** Longest single HTTP request, in ms. Default 10 000. */
  requestTimeoutMs?: number;
}

/**
 * Slack's rate-limit tier of each method the connector calls (docs.slack.dev/apis/web-api/rate-limits):
 * tier 1 ~1/min, tier 2 ~20/min, tier 3 ~50/min, tier 4 ~100/min; chat.postMessage is "special"
 * (about one message per second per channel). Limits apply per method and workspace, so a 429
 * from one method holds back that method only.
 */
export const SLACK_METHOD_TIERS: Readonly<Record<string, string>> = {
  'auth.test': 'tier 4',
  'conversations.list': 'tier 2',
  'conversations.info': 'tier 3',
  'conversations.history': 'tier 3',
  'conversations.replies': 'tier 3',
  'search.messages': 'tier 2',
  'users.list': 'tier 2',
  'users.info': 'tier 4',
  'chat.postMessage': 'special',
  'chat.update': 'tier 3',
  'chat.delete': 'tier 3',
  'reactions.add': 'tier 3',
};

const RETRY_POLICY = { baseDelayMs: 250, maxDelayMs: 2000 };
const MAX_ATTEMPTS = 4;

/** Slack's `error` codes, by the tool error kind they become. Anything else is `upstream`. */
const ERROR_KINDS: ReadonlyArray<[ToolError['kind'], readonly string[]]> = [
  ['not_found', ['channel_not_found', 'thread_not_found', 'message_not_found', 'user_not_found', 'users_not_found']],
  ['forbidden', ['not_in_channel', 'is_archived', 'channel_is_archived', 'restricted_action', 'cant_update_message', 'cant_delete_message', 'edit_window_closed']],
  ['unauthorized', ['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'missing_scope', 'no_permission', 'not_allowed_token_type', 'ekm_access_denied']],
  ['conflict', ['already_reacted', 'no_reaction']],
  [
    'invalid_arguments',
    ['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'no_text', 'invalid_cursor', 'invalid_ts_latest', 'invalid_ts_oldest', 'invalid_name', 'too_many_reactions', 'invalid_arguments', 'invalid_limit', 'invalid_arg_name'],
  ],
  ['rate_limited', ['ratelimited', 'rate_limited']],
];
const KIND_OF_CODE = new Map(ERROR_KINDS.flatMap(([kind, codes]) => codes.map((code) => [code, kind] as const)));

/**
 * The only module that imports `@slack/web-api`. Calls Slack with the bot or user token and
 * owns the connector's side of Slack's rate limits: the SDK's own retries are off (they sleep
 * past any deadline), and instead a 429 sets a cool-down on its method; a call waits it out
 * when it ends before the call's deadline, and fails at once as `rate_limited` otherwise.
 * Network errors and 5xx are retried with backoff inside the deadline for reads only.
 * `ok: false` answers become tool errors named by Slack's error code, never holding a token.
 */
export class SlackClient {
  private readonly bot: WebClient;
  private readonly user?: WebClient;
  /** Method (and, for chat.postMessage, channel) → epoch ms before which Slack asked not to call it again. */
  private readonly coolDowns = new Map<string, number>();

  constructor(options: SlackClientOptions) {
    const common = {
      slackApiUrl: options.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: options.requestTimeoutMs ?? 10_000,
      // A method name must never turn into another host that would receive the token.
      allowAbsoluteUrls: false,
      logLevel: LogLevel.ERROR,
    };
    this.bot = new WebClient(options.botToken, common);
    if (options.userToken) this.user = new WebClient(options.userToken, common);
  }

  get hasUserToken(): boolean {
    return this.user !== undefined;
  }

  /**
   * Runs `run` against Slack method `method` within the call's deadline.
   * `options.retrySafe`: whether a failure without an answer may be retried (true for reads; a
   * write that timed out may have happened). `options.bucket` narrows the cool-down of a 429 to
   * one target where Slack limits per target (chat.postMessage: about one post a second per channel).
   * @throws ToolError for every failure the model or an operator can act on.
   */
  async call<T>(ctx: SlackCallContext, method: string, run: (client: WebClient) => Promise<T>, options: { token?: TokenKind; retrySafe: boolean; bucket?: string }): Promise<T> {
    const client = options.token === 'user' ? this.user : this.bot;
    const limitKey = options.bucket ? `${method} ${options.bucket}` : method;
    if (!client) throw new ToolError('unauthorized', 'This needs a Slack user token, which the connector does not have: an operator must set SLACK_USER_TOKEN.');
    for (let attempt = 1; ; attempt++) {
      await this.waitForCoolDown(ctx, method, limitKey);
      try {
        return await abortable(run(client), ctx.signal);
      } catch (error) {
        // Anything but the SDK's own errors is a bug here, and the kit reports it as one.
        if (error instanceof ToolError || !isWebApiError(error)) throw error;
        const failure = error;
        if (failure.code === ErrorCode.RateLimitedError) {
          this.coolDowns.set(limitKey, Date.now() + Math.max(1, failure.retryAfter) * 1000);
          continue;
        }
        if (failure.code === ErrorCode.PlatformError) throw platformError(method, failure.data.error);
        const status = failure.code === ErrorCode.HTTPError ? failure.statusCode : undefined;
        const transient = failure.code === ErrorCode.RequestError || (status !== undefined && status >= 500);
        const wait = backoffDelayMs(attempt, RETRY_POLICY);
        if (transient && options.retrySafe && attempt < MAX_ATTEMPTS && Date.now() + wait < ctx.deadline) {
          await sleep(wait, ctx.signal);
          continue;
        }
        if (ctx.signal.aborted) throw new ToolError('cancelled', `The call to Slack's ${method} was cancelled.`);
        const http = status !== undefined ? ` (HTTP ${status})` : '';
        throw new ToolError('upstream', `Slack's ${method} failed${http}${attempt > 1 ? ` after ${attempt} tries` : ''}.`);
      }
    }
  }

  private async waitForCoolDown(ctx: SlackCallContext, method: string, limitKey: string): Promise<void> {
    const until = this.coolDowns.get(limitKey);
    if (until === undefined) return;
    const wait = until - Date.now();
    if (wait <= 0) return void this.coolDowns.delete(limitKey);
    if (Date.now() + wait >= ctx.deadline) {
      const tier = SLACK_METHOD_TIERS[method] ? ` (${SLACK_METHOD_TIERS[method]})` : '';
      throw new ToolError('rate_limited', `Slack is rate limiting ${method}${tier}; retry in ${Math.ceil(wait / 1000)} s.`, wait);
    }
    await sleep(wait, ctx.signal);
  }
}

const WEB_API_ERROR_CODES: ReadonlySet<string> = new Set([ErrorCode.RateLimitedError, ErrorCode.PlatformError, ErrorCode.HTTPError, ErrorCode.RequestError]);

function isWebApiError(error: unknown): error is WebAPICallError {
  return error instanceof Error && WEB_API_ERROR_CODES.has(String((error as { code?: unknown }).code));
}

/** The tool error for Slack's `ok: false` answer. Slack's codes are short identifiers; anything else is not echoed. */
function platformError(method: string, code: string): ToolError {
  const safeCode = /^[a-z_]{1,64}$/.test(code) ? code : 'unknown_error';
  const kind = KIND_OF_CODE.get(safeCode) ?? 'upstream';
  const hint: Partial<Record<ToolError['kind'], string>> = {
    unauthorized: ' An operator must fix the connector\'s Slack token or its scopes; retrying will not help.',
    not_found: ' Check the ids in the arguments.',
    invalid_arguments: ' Change the arguments.',
  };
  return new ToolError(kind, `Slack refused ${method}: ${safeCode}.${hint[kind] ?? ''}`);
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ToolError('cancelled', 'The call was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ToolError('cancelled', 'The call was cancelled before Slack answered.'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ToolError('cancelled', 'The call was cancelled while waiting for Slack.'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
