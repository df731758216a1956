import type { z } from 'zod';
import type { Logger } from 'pino';
import { isBusError, type Bus, type IncomingMessage } from '@mcp-hub/bus';
import {
  CancelMessageSchema,
  decode,
  encode,
  headers,
  tryDecode,
  type ClientCapability,
  type Principal,
  type Reply,
  type Subjects,
} from '@mcp-hub/connector-contract';
import { ClientAsker } from './client-asker';
import type { HandlerContext } from './handler-context';
import { ConcurrencyLimit } from './concurrency-limit';
import { Redactor } from './redactor';
import { ToolError } from './tool-error';
import type { PrincipalAssertionVerifier } from './principal-assertion-verifier';

/** The fields every hub → connector request shares. */
export interface RequestEnvelope {
  invocationId: string;
  deadline: number;
  principal: Principal;
  eventsSubject?: string;
  wantsProgress?: boolean;
  /** W3C trace context of the hub's span for this call. */
  traceparent?: string;
  clientCapabilities?: ClientCapability[];
  /** The job this call is an attempt of (the embedded runner), handed to the handler as `ctx.jobId`. */
  jobId?: string;
}

export interface CallRunnerOptions {
  bus: Bus;
  subjects: Subjects;
  connectorId: string;
  replicaId: string;
  contractVersion: string;
  logger: Logger;
  /** Most calls run at once. Default unlimited. */
  maxConcurrency?: number;
  /** With `maxConcurrency`: calls that may wait for a slot; beyond that a call is refused as `busy` before it starts. Default 0. */
  maxQueued?: number;
  /** Masks secrets in every error reply (a tool error may quote an upstream's text). Default: credential shapes only. */
  redactor?: Redactor;
  /**
   * Verifies each request's principal assertion before anything runs; the handler's
   * `ctx.principal` is then the one the hub signed. Absent: the request body's principal is taken
   * as sent (trusting the bus).
   */
  assertions?: PrincipalAssertionVerifier;
}

interface RunningCall {
  controller: AbortController;
  done: Promise<void>;
}

/** A call still running after this many milliseconds is claimed: its hub is told which replica holds it. */
const CLAIM_DELAY_MS = 20;

/** What the model reads when every try found the connector at capacity (see `RunConnectorOptions.maxQueued`). */
const BUSY_MESSAGE = 'The connector is at capacity and did not start the call. Try again in a few seconds.';

const GENERIC_FAILURE = 'The connector failed while handling this request. The failure has been logged.';
/** Sent instead of a result larger than the bus carries (NATS `max_payload`); the model can ask for less. */
const TOO_LARGE_REPLY: Reply = {
  status: 'error',
  kind: 'invalid_arguments',
  message: 'The result is larger than the hub can carry from this connector. Ask for less: filters, a smaller page, range or limit.',
};

/** The error kind a reply reports for `error` thrown by a handler whose call had `signal` (see `CallRunner.errorReply`). */
export function errorKind(error: unknown, signal: AbortSignal): string {
  if (error instanceof ToolError) return error.kind;
  if (signal.aborted) return signal.reason instanceof ToolError ? signal.reason.kind : 'cancelled';
  return 'internal';
}

/**
 * Runs the calls one replica receives: refuses them as `busy` when full, parses the request,
 * enforces its deadline, honours the hub's cancellations, limits concurrency, and replies with
 * the result or an error reply (tool errors as they are, anything else as a generic `internal`).
 */
export class CallRunner {
  private readonly running = new Map<string, RunningCall>();
  private readonly limit?: ConcurrencyLimit;
  private readonly maxQueued: number;
  private busyCount = 0;
  private readonly redactor: Redactor;

  constructor(private readonly options: CallRunnerOptions) {
    this.redactor = options.redactor ?? new Redactor();
    if (options.maxConcurrency !== undefined) this.limit = new ConcurrencyLimit(options.maxConcurrency);
    this.maxQueued = options.maxQueued ?? 0;
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 0) throw new Error(`maxQueued must be a non-negative integer, got ${options.maxQueued}`);
  }

  /** Calls running now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Calls refused as `busy` since start. */
  get refusedBusy(): number {
    return this.busyCount;
  }

  /** Answers one request message: `handle` gets the parsed request and the call's context. */
  async run<R extends RequestEnvelope>(message: IncomingMessage, schema: z.ZodType<R>, handle: (request: R, ctx: HandlerContext) => Promise<unknown>): Promise<void> {
    // Refused before anything else: the cheapest possible answer while overloaded, and the call
    // has not started, so the hub may send it elsewhere.
    if (this.limit?.full && this.limit.queued >= this.maxQueued) {
      this.busyCount++;
      this.reply(message, { status: 'error', kind: 'busy', message: BUSY_MESSAGE });
      return;
    }
    let request: R;
    try {
      request = decode(schema, message.data);
    } catch (error) {
      this.options.logger.warn({ subject: message.subject, reason: (error as Error).message }, 'malformed request refused');
      this.reply(message, { status: 'error', kind: 'internal', message: 'The connector could not read the request.' });
      return;
    }
    if (this.options.assertions) {
      try {
        request = { ...request, principal: await this.options.assertions.verify(message.headers[headers.assertion], request.invocationId) };
      } catch (error) {
        this.options.logger.warn({ subject: message.subject, invocationId: request.invocationId, reason: (error as Error).message }, 'request refused: principal assertion');
        this.reply(message, { status: 'error', kind: 'forbidden', message: 'The connector could not verify who this call is for.' });
        return;
      }
    }
    const remaining = request.deadline - Date.now();
    if (remaining <= 0) {
      this.reply(message, { status: 'error', kind: 'timeout', message: 'The deadline passed before the connector started.' });
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new ToolError('timeout', 'The call ran past its deadline.')), remaining);
    let finish!: () => void;
    this.running.set(request.invocationId, { controller, done: new Promise<void>((resolve) => (finish = resolve)) });
    const eventsSubject = request.eventsSubject && this.options.subjects.isHubEvents(request.eventsSubject) ? request.eventsSubject : undefined;
    // Tell the hub which replica holds the call, so it can fail or retry it if this replica dies.
    // Only calls that outlive a few milliseconds are claimed: a fast call's reply says as much,
    // and this keeps a publish off the common path.
    let claimed = false;
    const claimNow = () => {
      if (claimed || !eventsSubject) return;
      claimed = true;
      clearTimeout(claim);
      this.publish(eventsSubject, { type: 'started', invocationId: request.invocationId, replicaId: this.options.replicaId });
    };
    const claim = eventsSubject ? setTimeout(claimNow, CLAIM_DELAY_MS) : undefined;
    const ctx = this.context(request, controller.signal, eventsSubject, claimNow);
    const started = performance.now();
    let release: (() => void) | undefined;
    try {
      if (this.limit) release = await this.limit.acquire(controller.signal);
      // Results leave the connector redacted like its errors and logs: a secret an upstream
      // returns (a token in a ticket, a key in a file) never reaches the model.
      const result = this.redactor.redactDeep(await handle(request, ctx));
      this.reply(message, { status: 'ok', result });
      ctx.logger.debug({ subject: message.subject, ms: Math.round(performance.now() - started) }, 'call served');
    } catch (error) {
      const reply = this.errorReply(error, controller.signal, ctx.logger);
      this.reply(message, reply);
      ctx.logger.debug({ subject: message.subject, ms: Math.round(performance.now() - started), kind: (reply as { kind?: string }).kind }, 'call failed');
    } finally {
      release?.();
      clearTimeout(claim);
      clearTimeout(timer);
      this.running.delete(request.invocationId);
      finish();
    }
  }

  /** Handles a hub's cancel message: aborts the call if it runs here. */
  onCancel(message: IncomingMessage): void {
    const cancel = tryDecode(CancelMessageSchema, message.data);
    if (!cancel) return;
    const call = this.running.get(cancel.invocationId);
    if (!call) return;
    this.options.logger.info({ invocationId: cancel.invocationId, reason: cancel.reason }, 'call cancelled by the hub');
    call.controller.abort(new ToolError('cancelled', 'The call was cancelled.'));
  }

  /** Waits up to `timeoutMs` for the running calls to finish, then aborts the rest (and waits a second for them). */
  async drain(timeoutMs: number): Promise<void> {
    const calls = [...this.running.values()].map((c) => c.done);
    if (calls.length === 0) return;
    this.options.logger.info({ inFlight: calls.length }, 'waiting for in-flight calls');
    if (await waitAll(calls, timeoutMs)) return;
    for (const call of this.running.values()) call.controller.abort(new Error('connector shutting down'));
    await waitAll([...this.running.values()].map((c) => c.done), 1000);
  }

  private context(request: RequestEnvelope, signal: AbortSignal, eventsSubject: string | undefined, claim: () => void): HandlerContext {
    const progressSubject = request.wantsProgress ? eventsSubject : undefined;
    let logger: Logger | undefined;
    const parent = this.options.logger;
    const { bus, subjects, connectorId, replicaId } = this.options;
    let asker: ClientAsker | undefined;
    // Built on first use: most calls never ask the client anything.
    const client = () =>
      (asker ??= new ClientAsker({
        bus,
        subjects,
        connectorId,
        replicaId,
        invocationId: request.invocationId,
        deadline: request.deadline,
        signal,
        hubId: eventsSubject ? subjects.hubOfEvents(eventsSubject) : undefined,
        capabilities: request.clientCapabilities,
        claim,
      }));
    return {
      signal,
      deadline: request.deadline,
      invocationId: request.invocationId,
      ...(request.jobId !== undefined && { jobId: request.jobId }),
      principal: request.principal,
      // Built on first use: most calls never log, and a child logger per call is measurable.
      get logger() {
        logger ??= parent.child({ invocationId: request.invocationId, principal: request.principal.id });
        return logger;
      },
      progress: (progress, total, message) => {
        if (progressSubject) this.publish(progressSubject, { type: 'progress', invocationId: request.invocationId, progress, total, message });
      },
      resourceUpdated: (uri) => this.publish(subjects.resourceUpdated(connectorId), { uri }),
      elicit: (params) => client().elicit(params),
      createMessage: (params) => client().createMessage(params),
      listRoots: () => client().listRoots(),
    };
  }

  private errorReply(error: unknown, signal: AbortSignal, logger: Logger): Reply {
    if (error instanceof ToolError) {
      return { status: 'error', kind: error.kind, message: this.redactor.redact(error.message), ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) };
    }
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason instanceof ToolError) return { status: 'error', kind: reason.kind, message: this.redactor.redact(reason.message) };
      return { status: 'error', kind: 'cancelled', message: 'The call was cancelled.' };
    }
    logger.error({ err: error }, 'handler failed');
    return { status: 'error', kind: 'internal', message: GENERIC_FAILURE };
  }

  private reply(message: IncomingMessage, reply: Reply): void {
    const replyHeaders = { [headers.contractVersion]: this.options.contractVersion };
    try {
      message.respond(encode(reply), replyHeaders);
    } catch (error) {
      if (!isBusError(error, 'too_large')) {
        this.options.logger.warn({ err: error }, 'could not send reply');
        return;
      }
      // A result the bus cannot carry must not leave the hub waiting until the deadline: say so now.
      this.options.logger.warn({ detail: error.message }, 'result too large for the bus: answered with an error instead');
      try {
        message.respond(encode(TOO_LARGE_REPLY), replyHeaders);
      } catch (again) {
        this.options.logger.warn({ err: again }, 'could not send reply');
      }
    }
  }

  private publish(subject: string, message: unknown): void {
    const { bus, logger } = this.options;
    if (bus.status !== 'connected') return;
    try {
      bus.publish(subject, encode(message));
    } catch (error) {
      logger.warn({ err: error, subject }, 'publish failed');
    }
  }
}

async function waitAll(promises: Promise<void>[], timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const result = await Promise.race([Promise.all(promises).then(() => true as const), timeout]);
  clearTimeout(timer);
  return result;
}
