import Bottleneck from 'bottleneck';
import type { Octokit as OctokitClass } from '@octokit/rest' with { 'resolution-mode': 'import' };
import { ToolError, rateLimitWaitMs, upstreamErrorDetail, upstreamToolError, type HandlerContext, type Redactor } from '@mcp-hub/connector-kit';
import { readLimiters } from './octokit-limiters';
import type { GithubApi, GithubRequestOptions, GithubResponse } from './github-api';
import type { GithubAuth, GithubConfig } from './config';

/** What a request carries to the throttling callbacks: the call's deadline, so no wait passes it. */
interface RequestContext {
  signal: AbortSignal;
  deadline: number;
  retries?: number;
}

/** GitHub's wait after a secondary rate limit that names none, in seconds (its documented advice). */
const SECONDARY_LIMIT_FALLBACK_S = 60;
/** Retries of a read that failed with a server error or a network failure. */
const SERVER_ERROR_RETRIES = 2;
/** Requests in flight to GitHub at once, per connector replica (the throttling plugin's default). */
const MAX_CONCURRENT_REQUESTS = 10;
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/**
 * The GitHub REST API through `@octokit/rest` with its throttling plugin — the only file that
 * imports Octokit. The throttling plugin paces writes and searches as GitHub asks and
 * retries a rate limit once, but only when the wait ends before the call's deadline; otherwise
 * the call fails at once as `rate_limited` with the wait. Server errors of idempotent requests are
 * retried (octokit-limiters.ts); a POST that failed with a 502 may have acted, so it is not.
 */
export class OctokitGithubApi implements GithubApi {
  private constructor(
    private readonly octokit: OctokitClass,
    private readonly redactor: Redactor,
  ) {}

  /** Loads Octokit (ES modules only, hence the dynamic import) and builds an authenticated client. */
  static async create(config: GithubConfig, redactor: Redactor): Promise<OctokitGithubApi> {
    const [{ Octokit }, { throttling }] = await Promise.all([import('@octokit/rest'), import('@octokit/plugin-throttling')]);
    const Client = Octokit.plugin(throttling);
    const withinDeadline = (retryAfterS: number, options: { request?: Partial<RequestContext> }, retryCount: number) =>
      retryCount === 0 && options.request?.deadline !== undefined && Date.now() + retryAfterS * config.throttle.retryAfterUnitMs < options.request.deadline;
    const paced = (minTime: number) => new Bottleneck.Group({ maxConcurrent: 1, minTime });
    const octokit = new Client({
      baseUrl: config.baseUrl,
      userAgent: 'mcp-hub-github-connector',
      ...(await authOptions(config.auth)),
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      throttle: {
        onRateLimit: (retryAfter: number, options: object, _octokit: unknown, retryCount: number) => withinDeadline(retryAfter, options, retryCount),
        onSecondaryRateLimit: (retryAfter: number, options: object, _octokit: unknown, retryCount: number) => withinDeadline(retryAfter, options, retryCount),
        retryAfterBaseValue: config.throttle.retryAfterUnitMs,
        fallbackSecondaryRateRetryAfter: SECONDARY_LIMIT_FALLBACK_S,
        // Octokit's own groups are shared by every client in the process; these are this
        // connector's. Reads go through limiters without Bottleneck's timers (octokit-limiters.ts).
        ...readLimiters(SERVER_ERROR_RETRIES, config.throttle.retryAfterUnitMs, MAX_CONCURRENT_REQUESTS),
        write: paced(config.throttle.writeIntervalMs),
        search: paced(config.throttle.searchIntervalMs),
        notifications: paced(config.throttle.writeIntervalMs),
      },
    });
    return new OctokitGithubApi(octokit, redactor);
  }

  async request(ctx: HandlerContext, route: string, params: Record<string, unknown>, options: GithubRequestOptions = {}): Promise<GithubResponse> {
    if (ctx.signal.aborted || Date.now() >= ctx.deadline) throw ended(ctx);
    const method = route.slice(0, route.indexOf(' '));
    const idempotent = options.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const request: RequestContext = { signal: ctx.signal, deadline: ctx.deadline, ...(!idempotent && { retries: 0 }) };
    const sent = this.octokit.request(route, {
      ...params,
      request,
      ...(options.accept && { headers: { accept: options.accept } }),
    });
    try {
      const response = await untilEnded(sent, ctx);
      return { data: response.data, headers: response.headers as GithubResponse['headers'] };
    } catch (error) {
      throw this.toolError(error, ctx);
    }
  }

  /** Octokit's RequestError (or a network failure) as a tool error the model can act on, redacted. */
  private toolError(error: unknown, ctx: HandlerContext): ToolError {
    if (error instanceof ToolError) return error;
    if (ctx.signal.aborted || Date.now() >= ctx.deadline) return ended(ctx);
    const failure = error as { status?: unknown; message?: unknown; response?: { headers?: Record<string, unknown>; data?: unknown } };
    const status = typeof failure.status === 'number' ? failure.status : 0;
    if (!failure.response || status < 400) {
      ctx.logger.warn({ err: this.redactor.redact(String(failure.message)) }, 'GitHub unreachable');
      return new ToolError('upstream', 'Could not reach GitHub (network error).');
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(failure.response.headers ?? {})) if (value !== undefined) headers.set(name, String(value));
    const body = typeof failure.response.data === 'string' ? failure.response.data : JSON.stringify(failure.response.data ?? '');
    const detail = upstreamErrorDetail(body, 'application/json', this.redactor);
    const secondary = status === 403 && /secondary rate limit/i.test(detail ?? '');
    const waitMs = rateLimitWaitMs(status, headers) ?? (secondary ? SECONDARY_LIMIT_FALLBACK_S * 1000 : undefined);
    const limited = status === 429 || secondary || (status === 403 && waitMs !== undefined);
    const toolError = upstreamToolError({ service: 'GitHub', status, detail, limited, retryAfterMs: waitMs, attempts: 1 });
    if (toolError.kind !== 'not_found' && toolError.kind !== 'invalid_arguments' && toolError.kind !== 'conflict') {
      ctx.logger.warn({ status, kind: toolError.kind, retryAfterMs: toolError.retryAfterMs }, 'GitHub call failed');
    }
    return toolError;
  }
}

async function authOptions(auth: GithubAuth): Promise<Record<string, unknown>> {
  if (auth.kind === 'token') return { auth: auth.token };
  const { createAppAuth } = await import('@octokit/auth-app');
  return { authStrategy: createAppAuth, auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: auth.installationId } };
}

/** `promise`, or the call's end (cancel or deadline), whichever comes first: a retry wait inside Octokit never outlives the call. */
function untilEnded<T>(promise: Promise<T>, ctx: HandlerContext): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onEnd = () => reject(ended(ctx));
    const timer = setTimeout(onEnd, Math.max(0, ctx.deadline - Date.now()));
    ctx.signal.addEventListener('abort', onEnd, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onEnd);
    });
  });
}

function ended(ctx: HandlerContext): ToolError {
  if (ctx.signal.aborted) {
    const reason: unknown = ctx.signal.reason;
    return reason instanceof ToolError ? reason : new ToolError('cancelled', 'The call was cancelled.');
  }
  return new ToolError('timeout', "GitHub did not answer before the call's deadline.");
}
