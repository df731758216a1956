import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { isBusError, type Bus, type Subscription } from '@mcp-hub/bus';
import {
  CONTRACT_VERSION,
  MalformedMessageError,
  ProgressMessageSchema,
  ReplySchema,
  decode,
  encode,
  headers,
  subjects,
  type ErrorReply,
  type Principal,
} from '@mcp-hub/connector-contract';
import { HubLocalError } from './hub-errors';

export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

export interface InvokeOptions {
  principal: Principal;
  /** Aborted when the client cancels; the connector is told and the call rejects with `cancelled`. */
  signal?: AbortSignal;
  /** Defaults to the invoker's `defaultTimeoutMs`. */
  timeoutMs?: number;
  /** Set only when the client asked for progress. */
  onProgress?: (progress: Progress) => void;
  traceparent?: string;
}

/** The connector answered, with a result or with an error of its own. */
export type InvokeOutcome<T> = { ok: true; value: T } | { ok: false; error: ErrorReply };

export interface BusInvokerOptions {
  bus: Bus;
  hubId: string;
  logger: Logger;
  /** Default 30 000 ms. */
  defaultTimeoutMs?: number;
}

/**
 * Sends requests to connectors over the bus and reads their replies: one request per call, with
 * a deadline, identity and trace headers, progress routed back through one subscription per
 * hub, and cancellation forwarded to the connector. Bus failures become {@link HubLocalError}s.
 */
export class BusInvoker {
  private readonly progressListeners = new Map<string, (progress: Progress) => void>();
  private readonly progressSubject: string;
  private progressSubscription?: Subscription;
  private readonly defaultTimeoutMs: number;

  constructor(private readonly options: BusInvokerOptions) {
    this.progressSubject = subjects.hubProgress(options.hubId);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  }

  async start(): Promise<void> {
    this.progressSubscription = this.options.bus.subscribe(this.progressSubject, (message) => {
      let progress;
      try {
        progress = decode(ProgressMessageSchema, message.data);
      } catch {
        return;
      }
      this.progressListeners.get(progress.invocationId)?.({ progress: progress.progress, total: progress.total, message: progress.message });
    });
    await this.options.bus.flush();
  }

  stop(): void {
    this.progressSubscription?.unsubscribe();
  }

  /**
   * Sends one request and parses the `ok` result with `resultSchema`.
   * @throws HubLocalError when the bus fails, the deadline passes, the call is cancelled, or the reply breaks the contract.
   */
  async invoke<S extends z.ZodType>(
    connector: string,
    subject: string,
    body: Record<string, unknown>,
    resultSchema: S,
    options: InvokeOptions,
  ): Promise<InvokeOutcome<z.infer<S>>> {
    const invocationId = randomUUID();
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const request = {
      ...body,
      invocationId,
      deadline: Date.now() + timeoutMs,
      principal: options.principal,
      ...(options.traceparent && { traceparent: options.traceparent }),
      ...(options.onProgress && { progressSubject: this.progressSubject }),
    };
    const requestHeaders: Record<string, string> = {
      [headers.invocationId]: invocationId,
      [headers.principal]: options.principal.id,
      [headers.contractVersion]: CONTRACT_VERSION,
      ...(options.traceparent && { [headers.traceparent]: options.traceparent }),
    };
    if (options.onProgress) this.progressListeners.set(invocationId, options.onProgress);
    const onAbort = () => this.cancel(connector, invocationId, 'cancelled by the client');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = await this.options.bus.request(subject, encode(request), { timeoutMs, headers: requestHeaders, signal: options.signal });
      return this.parseReply(connector, reply.data, resultSchema);
    } catch (error) {
      if (error instanceof HubLocalError) throw error;
      if (isBusError(error)) {
        if (error.kind === 'timeout') this.cancel(connector, invocationId, 'deadline passed');
        const kind = error.kind === 'timeout' ? 'timeout' : error.kind === 'cancelled' ? 'cancelled' : 'unavailable';
        throw new HubLocalError(kind, `${subject}: ${error.message}`, connector);
      }
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.onProgress) this.progressListeners.delete(invocationId);
    }
  }

  private parseReply<S extends z.ZodType>(connector: string, data: Uint8Array, resultSchema: S): InvokeOutcome<z.infer<S>> {
    try {
      const reply = decode(ReplySchema, data);
      if (reply.status === 'error') return { ok: false, error: reply };
      if (reply.status === 'accepted') throw new HubLocalError('contract_violation', 'connector accepted a job for a sync request', connector);
      const parsed = resultSchema.safeParse(reply.result);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new HubLocalError('contract_violation', `result does not match the contract: ${issue?.path.join('.')}: ${issue?.message}`, connector);
      }
      return { ok: true, value: parsed.data };
    } catch (error) {
      if (error instanceof MalformedMessageError) throw new HubLocalError('contract_violation', error.message, connector);
      throw error;
    }
  }

  private cancel(connector: string, invocationId: string, reason: string): void {
    if (this.options.bus.status !== 'connected') return;
    try {
      this.options.bus.publish(subjects.cancel(connector), encode({ invocationId, reason }));
    } catch (error) {
      this.options.logger.warn({ err: error, invocationId }, 'could not forward cancellation');
    }
  }
}
