import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { backoffDelayMs, type BackoffPolicy } from './backoff-delay';
import { rateLimitWaitMs } from './rate-limit-wait';
import { Redactor } from './redactor';
import { ToolError } from './tool-error';
import { upstreamErrorDetail } from './upstream-error-detail';
import { upstreamToolError } from './upstream-tool-error';
import { firstIssue } from './zod-issue';

export interface UpstreamHttpOptions {
  /** The upstream's name as the model and the operator know it ("GitHub"); it starts every error message. */
  service: string;
  /** Prefix of every request path, e.g. `https://api.github.com` or `https://slack.com/api`. */
  baseUrl: string;
  /** Headers sent with every request that carry no secret (`Accept`, `User-Agent`, API version). */
  headers?: Record<string, string>;
  /**
   * Headers that carry credentials (`Authorization`, `X-Api-Key`, …), sent with every request
   * and never overridden by a request's own headers. Their values, the token after an auth
   * scheme, and the user and password of a Basic credential are registered with the redactor.
   */
  credentials?: Record<string, string>;
  /** Further values to mask wherever they appear (a password the connector sends in a body). */
  secrets?: Iterable<string | undefined>;
  /** The connector's redactor, to share its registered secrets; one is made when omitted. Credentials and `secrets` are registered with it. */
  redactor?: Redactor;
  /** Most tries of one request, the first included. Default 4. */
  maxAttempts?: number;
  /** Backoff when the upstream gave no wait. Default 250 ms doubling to at most 8 s, full jitter. */
  backoff?: Partial<BackoffPolicy>;
  /** Largest successful response body read, in bytes; a larger one fails as `upstream`. Default 8 MiB. */
  maxResponseBytes?: number;
  /** The fetch to use. Default the global one (undici). */
  fetch?: typeof fetch;
}

/** What a tool call lends to its upstream requests: a handler passes its `HandlerContext`. */
export interface UpstreamCallContext {
  /** Aborts the request in flight and any wait between tries. */
  readonly signal: AbortSignal;
  /** Absolute deadline, epoch milliseconds: no try starts, and no wait runs, past it. */
  readonly deadline: number;
  /** Where retries and give-ups are logged (method, path without query, status; never a header). */
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
}

export type HttpMethod = 'GET' | 'HEAD' | 'OPTIONS' | 'PUT' | 'DELETE' | 'POST' | 'PATCH';

export interface UpstreamRequest<T = unknown> {
  /** Default GET. */
  method?: HttpMethod;
  /** Appended to the base URL (`/repos/o/r/issues`); or an absolute URL on the base URL's origin (a pagination `Link`). */
  path: string;
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** A body sent as JSON (with `Content-Type: application/json` unless a header says otherwise). */
  json?: unknown;
  /** A body sent as is (form data, text). Ignored when `json` is set. */
  body?: string | Uint8Array | URLSearchParams;
  headers?: Record<string, string>;
  /**
   * Whether sending the request twice does no more harm than once. Default: true for GET, HEAD,
   * OPTIONS, PUT and DELETE. Set it for a POST that carries an idempotency key the upstream
   * honours, so that it is retried like a GET.
   */
  idempotent?: boolean;
  /** Parses the response body; a body that does not fit fails as `upstream`. */
  schema?: z.ZodType<T>;
}

export interface UpstreamResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the upstream said `json`, text otherwise, undefined when empty. */
  body: T;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/**
 * Answers after which the upstream may have acted: retried only when a second try does no more
 * harm (a 504 gateway may have passed the request on before it gave up waiting).
 */
const RETRY_IF_IDEMPOTENT = new Set([500, 502, 504]);
/** Network errors raised before the request left this process: safe to retry for any method. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
/** Enough of an error body to find the upstream's message in. */
const ERROR_BODY_BYTES = 16 * 1024;

/**
 * The way a connector reaches its REST upstream inside a tool call. It retries what is
 * transient, within the call's deadline and signal, and turns what is not into a `ToolError`
 * the model can act on. Secrets stay inside: error messages and log lines are redacted, and
 * never include a request header.
 *
 * Retried: network errors, 429, 503, and a 403 that carries rate-limit headers (GitHub's
 * limits) for every method; 500, 502 and 504 and network errors after sending only for an
 * idempotent request. The wait is the upstream's (`Retry-After`, or a rate-limit reset with
 * nothing remaining; see `rateLimitWaitMs`), else exponential backoff with full jitter. A wait
 * that would end past the deadline is not waited: the call fails at once, a rate limit as
 * `rate_limited` with `retryAfterMs`. See `upstreamToolError` for how answers map to kinds.
 *
 * Written on the global fetch rather than undici's `RetryAgent`: that agent caps `Retry-After`
 * at a fixed maximum and waits it out instead of failing when the deadline is nearer, reads no
 * rate-limit reset headers, gates every retry by method (a POST is never retried, even on 429),
 * has no jitter, and drops the body of the last failed answer, which holds the upstream's message.
 */
export class UpstreamHttp {
  readonly service: string;
  private readonly baseUrl: URL;
  private readonly redactor: Redactor;
  private readonly headers: Record<string, string>;
  private readonly credentials: Record<string, string>;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxResponseBytes: number;
  private readonly fetch: typeof fetch;

  constructor(options: UpstreamHttpOptions) {
    this.service = options.service;
    this.baseUrl = new URL(withoutTrailingSlashes(options.baseUrl));
    if (this.baseUrl.protocol !== 'https:' && this.baseUrl.protocol !== 'http:') throw new Error(`baseUrl must be http(s), got ${this.baseUrl.protocol}`);
    this.maxAttempts = options.maxAttempts ?? 4;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new Error(`maxAttempts must be a positive integer, got ${options.maxAttempts}`);
    this.backoff = { baseDelayMs: 250, maxDelayMs: 8000, ...options.backoff };
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.headers = { ...options.headers };
    this.credentials = { ...options.credentials };
    this.redactor = options.redactor ?? new Redactor();
    for (const value of Object.values(this.credentials)) for (const form of credentialForms(value)) this.redactor.register(form);
    for (const secret of options.secrets ?? []) this.redactor.register(secret);
  }

  /**
   * Sends one request, retrying as the class describes, and resolves with the first 2xx
   * answer, its body parsed. Rejects with a `ToolError` for every answer or failure the model
   * should hear about (including `cancelled` and `timeout` when the call ends first); with a
   * plain `Error` only for a bug in the request (a URL off the base URL's origin).
   */
  async request<T = unknown>(ctx: UpstreamCallContext, request: UpstreamRequest<T>): Promise<UpstreamResponse<T>> {
    const url = this.url(request);
    const remaining = ctx.deadline - Date.now();
    if (remaining <= 0 || ctx.signal.aborted) throw this.ended(ctx);
    // The call's signal normally aborts at the deadline already; this one holds the deadline for
    // a caller whose signal does not.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), remaining);
    const signal = AbortSignal.any([ctx.signal, deadline.signal]);
    try {
      return await this.send(ctx, signal, request, url);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send<T>(ctx: UpstreamCallContext, signal: AbortSignal, request: UpstreamRequest<T>, url: URL): Promise<UpstreamResponse<T>> {
    const method = request.method ?? 'GET';
    const idempotent = request.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const init = { method, headers: this.requestHeaders(request), body: request.json !== undefined ? JSON.stringify(request.json) : request.body };
    const log = { upstream: this.service, method, path: this.redactor.redact(url.pathname) };
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchFollowing(url, init, signal);
      } catch (error) {
        if (signal.aborted) throw this.ended(ctx);
        if (error instanceof ToolError) throw error;
        const code = networkCode(error);
        const retry = idempotent || (code !== undefined && NOT_SENT.has(code));
        const tries = attempt > 1 ? ` after ${attempt} tries` : '';
        const failure = new ToolError('upstream', this.redactor.redact(`Could not reach ${this.service}${tries} (${code ?? 'network error'}).`));
        await this.beforeRetry(ctx, signal, { attempt, retry, failure, log: { ...log, code } });
        continue;
      }
      if (response.ok) return this.decode(ctx, signal, response, method, request.schema);

      const { status } = response;
      const waitMs = rateLimitWaitMs(status, response.headers);
      const limited = status === 429 || (status === 403 && waitMs !== undefined);
      const retry = limited || status === 503 || (idempotent && RETRY_IF_IDEMPOTENT.has(status));
      const body = await readText(response, ERROR_BODY_BYTES).catch(() => '');
      if (signal.aborted) throw this.ended(ctx);
      const detail = upstreamErrorDetail(body, response.headers.get('content-type'), this.redactor);
      const failure = upstreamToolError({ service: this.service, status, detail, limited, retryAfterMs: waitMs, attempts: attempt });
      await this.beforeRetry(ctx, signal, { attempt, retry, failure, waitMs, log: { ...log, status } });
    }
  }

  /**
   * Fetches, following redirects itself: fetch would follow one to another origin with every
   * header but `Authorization`, handing over an API-key header. Same-origin redirects are
   * followed (at most {@link MAX_REDIRECTS}); one elsewhere fails as `upstream`.
   */
  private async fetchFollowing(url: URL, init: { method: string; headers: Record<string, string>; body: RequestInit['body'] }, signal: AbortSignal): Promise<Response> {
    let target = url;
    let request = init;
    for (let redirects = 0; ; redirects++) {
      const response = await this.fetch(target, { ...request, signal, redirect: 'manual' });
      const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
      if (location === null) return response;
      await response.body?.cancel().catch(() => undefined);
      const next = new URL(location, target);
      if (next.origin !== this.baseUrl.origin) {
        throw new ToolError('upstream', this.redactor.redact(`${this.service} redirected to ${next.origin}; not followed, so the connector's credentials stay with ${this.service}.`));
      }
      if (redirects >= MAX_REDIRECTS) throw new ToolError('upstream', `${this.service} redirected more than ${MAX_REDIRECTS} times.`);
      // As fetch does: a 303, or a 301/302 after a POST, continues as a GET without a body.
      if (response.status === 303 || (request.method === 'POST' && (response.status === 301 || response.status === 302))) {
        request = { ...request, method: 'GET', body: undefined };
      }
      target = next;
    }
  }

  /** Waits before the next try, or throws `failure` when there is none: not retryable, out of tries, or the wait would pass the deadline. */
  private async beforeRetry(
    ctx: UpstreamCallContext,
    signal: AbortSignal,
    next: { attempt: number; retry: boolean; failure: ToolError; waitMs?: number; log: Record<string, unknown> },
  ): Promise<void> {
    const { attempt, failure } = next;
    const wait = next.waitMs ?? backoffDelayMs(attempt, this.backoff);
    if (!next.retry || attempt >= this.maxAttempts || Date.now() + wait >= ctx.deadline) {
      if (failure.kind === 'unauthorized' || failure.kind === 'upstream' || failure.kind === 'rate_limited') {
        ctx.logger?.warn({ ...next.log, attempts: attempt, kind: failure.kind, retryAfterMs: failure.retryAfterMs }, 'upstream call failed');
      }
      throw failure;
    }
    ctx.logger?.info({ ...next.log, attempt, waitMs: wait }, 'upstream retry');
    try {
      await delay(wait, undefined, { signal });
    } catch {
      throw this.ended(ctx);
    }
  }

  private async decode<T>(ctx: UpstreamCallContext, signal: AbortSignal, response: Response, method: string, schema: z.ZodType<T> | undefined): Promise<UpstreamResponse<T>> {
    let text: string;
    try {
      text = method === 'HEAD' ? '' : await readText(response, this.maxResponseBytes, () => {
        throw new ToolError('upstream', `${this.service} answered with more than ${this.maxResponseBytes} bytes. Narrow the request.`);
      });
    } catch (error) {
      if (error instanceof ToolError) throw error;
      if (signal.aborted) throw this.ended(ctx);
      throw new ToolError('upstream', `${this.service} broke off its answer (${networkCode(error) ?? 'network error'}).`);
    }
    let body: unknown = text === '' ? undefined : text;
    if (text !== '' && response.headers.get('content-type')?.includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ToolError('upstream', `${this.service} answered with malformed JSON (HTTP ${response.status}).`);
      }
    }
    if (!schema) return { status: response.status, headers: response.headers, body: body as T };
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ToolError('upstream', this.redactor.redact(`${this.service} answered in an unexpected shape (${firstIssue(parsed.error)}).`));
    return { status: response.status, headers: response.headers, body: parsed.data };
  }

  /** The error for a call that ended while its request ran or waited: the call's own reason when it has one. */
  private ended(ctx: UpstreamCallContext): ToolError {
    if (ctx.signal.aborted) {
      const reason: unknown = ctx.signal.reason;
      return reason instanceof ToolError ? reason : new ToolError('cancelled', 'The call was cancelled.');
    }
    return new ToolError('timeout', `${this.service} did not answer before the call's deadline.`);
  }

  private url(request: UpstreamRequest<unknown>): URL {
    const absolute = /^https?:\/\//i.test(request.path);
    const url = absolute ? new URL(request.path) : new URL(`${withoutTrailingSlashes(this.baseUrl.href)}/${request.path.replace(/^\/+/, '')}`);
    // Credentials go with every request: one to another origin would hand them to it.
    if (url.origin !== this.baseUrl.origin) throw new Error(`${this.service}: refusing a request to ${url.origin}, outside ${this.baseUrl.origin}`);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    return url;
  }

  private requestHeaders(request: UpstreamRequest<unknown>): Record<string, string> {
    const headers: Record<string, string> = { ...this.headers, ...request.headers };
    const named = new Set(Object.keys(headers).map((name) => name.toLowerCase()));
    if (request.json !== undefined && !named.has('content-type')) headers['content-type'] = 'application/json';
    return { ...headers, ...this.credentials };
  }
}

function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '/') end--;
  return text.slice(0, end);
}

/** A credential header's value and the secret parts inside it: `Bearer <token>`, `Basic <base64 user:password>`. */
function credentialForms(value: string): string[] {
  const forms = [value];
  const match = /^(\w+) +(\S+)$/.exec(value.trim());
  if (!match) return forms;
  const token = match[2]!;
  forms.push(token);
  if (match[1]!.toLowerCase() === 'basic') {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) forms.push(decoded, decoded.slice(colon + 1));
  }
  return forms;
}

/** The system error code of a failed fetch (`ECONNREFUSED`, `UND_ERR_SOCKET`, …), found on the error or its cause. */
function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Reads a body as UTF-8 text, at most `maxBytes` of it. Past that it stops reading (and
 * releases the connection), then calls `onTooLarge` if given, or returns what it read.
 */
async function readText(response: Response, maxBytes: number, onTooLarge?: () => never): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      if (onTooLarge) onTooLarge();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
