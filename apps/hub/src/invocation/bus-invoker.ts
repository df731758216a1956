import { currentTraceparent } from '@mcp-hub/telemetry';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { BusError, isBusError, type Bus, type Subscription } from '@mcp-hub/bus';
import {
  CONTRACT_VERSION,
  MalformedMessageError,
  HubEventSchema,
  replySchemaFor,
  decode,
  encode,
  headers,
  tryDecode,
  type Subjects,
  type ErrorReply,
  type Principal,
} from '@mcp-hub/connector-contract';
import { HubLocalError } from './hub-errors';
import type { PrincipalAssertionSigner } from '../auth/principal-assertion-signer';
import type { ClientChannel } from './client-channel';

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
  /** Absolute deadline (epoch ms); wins over `timeoutMs`. A retry keeps the first attempt's deadline. */
  deadline?: number;
  /** Set only when the client asked for progress. */
  onProgress?: (progress: Progress) => void;
  traceparent?: string;
  /**
   * Send the call once more, to another replica and within the same deadline, when the replica
   * that took it is lost. Only for calls that are safe to repeat (an idempotent tool): a replica
   * that died mid-call may or may not have acted.
   */
  retryIfReplicaLost?: boolean;
  /** The MCP client behind the call, for the connector's server-to-client requests; without it the connector cannot ask. */
  client?: ClientChannel;
  /** Told which replica claimed the call (only calls that outlive a few ms are claimed). */
  onClaimed?: (replicaId: string) => void;
}

/** A call in flight as the target of a connector's server-to-client request. */
export interface ClientRequestTarget {
  client: ClientChannel;
  /** Aborted when the call ends (reply, cancellation, replica lost): its client requests are abandoned. */
  signal: AbortSignal;
  /** The call's deadline, epoch ms. */
  deadline: number;
  /** Call when the request is answered or abandoned (it counts against {@link MAX_CLIENT_REQUESTS_PER_CALL} until then). */
  done(): void;
}

/** The connector answered, with a result or with an error of its own. */
export type InvokeOutcome<T> = { ok: true; value: T } | { ok: false; error: ErrorReply };

export interface BusInvokerOptions {
  bus: Bus;
  hubId: string;
  /** The deployment's subjects (its events subject and cancellations). */
  subjects: Subjects;
  logger: Logger;
  /** Default 30 000 ms. */
  defaultTimeoutMs?: number;
  /** Replicas the connector has now (sizes the re-sends of `busy` calls). Default 1. */
  replicasOf?: (connector: string) => number;
  /** Called each time a call refused as `busy` is sent again (for the metrics). */
  onBusyResend?: (connector: string) => void;
  /**
   * A call still unclaimed this long after it was sent is taken to be on a replica that died
   * before claiming it, when one of its connector's replicas is lost. Default 1000 ms.
   */
  orphanAfterMs?: number;
  /** Signs each request's principal assertion (`Mcphub-Assertion`). Absent: requests carry none (connectors that verify refuse them). */
  assertions?: PrincipalAssertionSigner;
}

/** An invocation waiting for its reply. */
interface PendingCall {
  connector: string;
  /** The replica that took it, once its `started` event arrived. */
  replicaId?: string;
  /** When the current try was sent (epoch ms). */
  sentAt: number;
  /** Ends the wait: the client cancelled (a `cancelled` BusError), or the replica was lost ({@link ReplicaLost}). */
  stop: (reason: Error) => void;
  onProgress?: (progress: Progress) => void;
  onClaimed?: (replicaId: string) => void;
  client?: ClientChannel;
  deadline: number;
  /** Ends the call's server-to-client requests; made on the first one. */
  clientRequests?: AbortController;
  /** Server-to-client requests of this call waiting for the client now. */
  clientRequestsWaiting: number;
}

/**
 * Most server-to-client requests one call has waiting at once: a handler asks one question at a
 * time, perhaps a few together; more would be a connector flooding the person with dialogs.
 */
export const MAX_CLIENT_REQUESTS_PER_CALL = 4;

/**
 * How often, at most, a call refused as `busy` (a replica at its concurrency cap; nothing
 * started) is sent to the queue group in all. NATS picks a replica at random each time; the
 * invoker tries as many times as the connector has replicas (within this cap): with one free
 * replica out of two, 2 tries find it 3 times in 4, and one replica alone is not asked twice.
 * More tries would mostly add load when every replica is full, which is when busy replies are
 * many (measured in S3: with one try more, p50 at 1.5 × capacity on 4 replicas rose past 55 ms
 * as the two cores filled). When every try is refused the client gets the connector's "at
 * capacity" error.
 */
const MAX_BUSY_TRIES = 8;

/** Reason a pending call is abandoned: the replica that took it is gone. */
class ReplicaLost extends Error {
  constructor(readonly replicaId: string) {
    super(`replica ${replicaId} lost`);
  }
}

/**
 * Sends requests to connectors over the bus and reads their replies: one request per call, with
 * a deadline, identity and trace headers, and cancellation forwarded to the connector. Replicas
 * report which of them took a call and its progress on this hub's events subject (one
 * subscription per hub); when the inventory loses a replica, its pending calls fail at once
 * instead of at their deadline. Bus failures become {@link HubLocalError}s.
 */
export class BusInvoker {
  private readonly pending = new Map<string, PendingCall>();
  private readonly eventsSubject: string;
  private eventsSubscription?: Subscription;
  private readonly defaultTimeoutMs: number;
  private readonly orphanAfterMs: number;
  /** One combined reply schema per operation's result schema, built on first use. */
  private readonly replySchemas = new Map<z.ZodType, ReturnType<typeof replySchemaFor>>();

  constructor(private readonly options: BusInvokerOptions) {
    this.eventsSubject = options.subjects.hubEvents(options.hubId);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    this.orphanAfterMs = options.orphanAfterMs ?? 1000;
  }

  async start(): Promise<void> {
    this.eventsSubscription = this.options.bus.subscribe(this.eventsSubject, (message) => {
      const event = tryDecode(HubEventSchema, message.data);
      if (!event) return;
      const call = this.pending.get(event.invocationId);
      if (!call) return;
      if (event.type === 'started') {
        call.replicaId = event.replicaId;
        call.onClaimed?.(event.replicaId);
      } else call.onProgress?.({ progress: event.progress, total: event.total, message: event.message });
    });
    await this.options.bus.flush();
  }

  stop(): void {
    this.eventsSubscription?.unsubscribe();
  }

  /** Requests sent and waiting for their reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Fails at once the pending calls the lost replica had taken: those it claimed, and those of
   * its connector that no replica claimed although they were sent more than `orphanAfterMs`
   * ago. A live replica claims every call it holds for more than a few milliseconds, so such
   * a call reached the lost replica in the moments before it died. (If a live replica's event
   * loop lagged past `orphanAfterMs` its call is failed too: a retry of an idempotent tool is
   * harmless, and a non-idempotent one says "check before retrying".) Returns how many.
   */
  replicaLost(connector: string, replicaId: string, now = Date.now()): number {
    let count = 0;
    for (const call of this.pending.values()) {
      if (call.connector !== connector) continue;
      const unclaimed = call.replicaId === undefined && now - call.sentAt > this.orphanAfterMs;
      if (call.replicaId === replicaId || unclaimed) {
        call.stop(new ReplicaLost(replicaId));
        count++;
      }
    }
    return count;
  }

  /**
   * The call a connector's server-to-client request is for, if it may send one: the call is in
   * flight on this hub, was sent to `connector`, and (once claimed) is held by `replicaId`
   * (otherwise `refused`: a connector reaches only the sessions of the calls it serves), its
   * client can be asked (`no_client`), and fewer than {@link MAX_CLIENT_REQUESTS_PER_CALL} of its
   * requests wait (`too_many`). The target counts as waiting until its `done()`.
   */
  clientRequestTarget(invocationId: string, connector: string, replicaId: string): ClientRequestTarget | 'refused' | 'no_client' | 'too_many' {
    const call = this.pending.get(invocationId);
    if (!call || call.connector !== connector || (call.replicaId !== undefined && call.replicaId !== replicaId)) return 'refused';
    if (!call.client) return 'no_client';
    if (call.clientRequestsWaiting >= MAX_CLIENT_REQUESTS_PER_CALL) return 'too_many';
    call.clientRequests ??= new AbortController();
    call.clientRequestsWaiting++;
    return { client: call.client, signal: call.clientRequests.signal, deadline: call.deadline, done: () => call.clientRequestsWaiting-- };
  }

  /**
   * Sends one request and parses the `ok` result with `resultSchema`. A `busy` refusal is sent to
   * the queue group again (see `MAX_BUSY_TRIES`); a call on a lost replica is sent once more when
   * `options.retryIfReplicaLost` allows it.
   * @throws HubLocalError when the bus fails, the deadline passes, the call is cancelled, or the reply breaks the contract.
   */
  async invoke<S extends z.ZodType>(
    connector: string,
    subject: string,
    body: Record<string, unknown>,
    resultSchema: S,
    options: InvokeOptions,
  ): Promise<InvokeOutcome<z.infer<S>>> {
    const deadline = options.deadline ?? Date.now() + (options.timeoutMs ?? this.defaultTimeoutMs);
    try {
      return await this.invokeOnce(connector, subject, body, resultSchema, options, deadline);
    } catch (error) {
      if (!(options.retryIfReplicaLost && error instanceof HubLocalError && error.kind === 'replica_lost')) throw error;
      this.options.logger.info({ connector, subject, detail: error.detail }, 'sending the call again to another replica');
      return this.invokeOnce(connector, subject, body, resultSchema, options, deadline);
    }
  }

  private async invokeOnce<S extends z.ZodType>(
    connector: string,
    subject: string,
    body: Record<string, unknown>,
    resultSchema: S,
    options: InvokeOptions,
    deadline: number,
  ): Promise<InvokeOutcome<z.infer<S>>> {
    const invocationId = randomUUID();
    const timeoutMs = deadline - Date.now();
    if (timeoutMs <= 0) throw new HubLocalError('timeout', `${subject}: deadline passed before sending`, connector);
    if (options.signal?.aborted) throw new HubLocalError('cancelled', `${subject}: cancelled before sending`, connector);
    const traceparent = options.traceparent ?? currentTraceparent();
    const request = {
      ...body,
      invocationId,
      deadline,
      principal: options.principal,
      ...(traceparent && { traceparent }),
      eventsSubject: this.eventsSubject,
      ...(options.onProgress && { wantsProgress: true }),
      ...(options.client && { clientCapabilities: options.client.capabilities }),
    };
    const requestHeaders: Record<string, string> = {
      [headers.invocationId]: invocationId,
      [headers.contractVersion]: CONTRACT_VERSION,
      ...(traceparent && { [headers.traceparent]: traceparent }),
    };
    if (this.options.assertions) requestHeaders[headers.assertion] = await this.options.assertions.sign(options.principal, connector, invocationId);
    // The wait ends early when the client cancels or the replica is lost: a promise that only
    // rejects, raced with the reply. (An AbortController per call costs more: on Node 20 every
    // AbortSignal is made transferable, which showed in the hub's profile.)
    let stop!: (reason: Error) => void;
    const stopped = new Promise<never>((_, reject) => (stop = reject));
    stopped.catch(() => undefined);
    const call: PendingCall = { connector, stop, onProgress: options.onProgress, onClaimed: options.onClaimed, sentAt: Date.now(), client: options.client, deadline, clientRequestsWaiting: 0 };
    this.pending.set(invocationId, call);
    const onAbort = () => {
      this.cancel(connector, invocationId, 'cancelled by the client');
      stop(new BusError('cancelled', 'request cancelled'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const data = encode(request);
      const maxTries = Math.min(MAX_BUSY_TRIES, Math.max(1, this.options.replicasOf?.(connector) ?? 1));
      let outcome: InvokeOutcome<z.infer<S>>;
      let tries = 0;
      do {
        if (tries > 0) this.options.onBusyResend?.(connector);
        call.sentAt = Date.now();
        // The client's own signal (no new object): a cancelled call also leaves the bus's table at once.
        const sent = this.options.bus.request(subject, data, { timeoutMs: Math.max(1, deadline - Date.now()), headers: requestHeaders, signal: options.signal });
        sent.catch(() => undefined); // settles after the race was lost to `stopped`
        const reply = await Promise.race([sent, stopped]);
        outcome = this.parseReply(connector, reply.data, resultSchema);
        tries++;
      } while (!outcome.ok && outcome.error.kind === 'busy' && tries < maxTries && deadline - Date.now() > 0);
      return outcome;
    } catch (error) {
      if (error instanceof HubLocalError) throw error;
      if (error instanceof ReplicaLost) {
        throw new HubLocalError('replica_lost', `${subject}: replica ${error.replicaId} was lost while handling ${invocationId}`, connector);
      }
      if (isBusError(error)) {
        if (error.kind === 'timeout') this.cancel(connector, invocationId, 'deadline passed');
        const kind = error.kind === 'timeout' || error.kind === 'cancelled' || error.kind === 'too_large' ? error.kind : 'unavailable';
        throw new HubLocalError(kind, `${subject}: ${error.message}`, connector);
      }
      throw error;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      call.clientRequests?.abort();
      this.pending.delete(invocationId);
    }
  }

  private parseReply<S extends z.ZodType>(connector: string, data: Uint8Array, resultSchema: S): InvokeOutcome<z.infer<S>> {
    let replySchema = this.replySchemas.get(resultSchema);
    if (!replySchema) {
      replySchema = replySchemaFor(resultSchema);
      this.replySchemas.set(resultSchema, replySchema);
    }
    try {
      const reply = decode(replySchema, data);
      if (reply.status === 'error') return { ok: false, error: reply };
      if (reply.status === 'accepted') throw new HubLocalError('contract_violation', 'connector accepted a job for a sync request', connector);
      return { ok: true, value: reply.result as z.infer<S> };
    } catch (error) {
      if (error instanceof MalformedMessageError) throw new HubLocalError('contract_violation', error.message, connector);
      throw error;
    }
  }

  private cancel(connector: string, invocationId: string, reason: string): void {
    if (this.options.bus.status !== 'connected') return;
    try {
      this.options.bus.publish(this.options.subjects.cancel(connector), encode({ invocationId, reason }));
    } catch (error) {
      this.options.logger.warn({ err: error, invocationId }, 'could not forward cancellation');
    }
  }
}
