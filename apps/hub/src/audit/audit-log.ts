import { hash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { Redactor } from '@mcp-hub/connector-kit';
import type { CallOutcome, HubOperation } from '../metrics/hub-metrics';
import { verifyAuditChain, type AuditVerification } from './audit-chain';
import type { AuditEntry, AuditRecord } from './audit-record';
import { allAuditRows, type AuditStore } from './audit-store';
import { redactedArguments } from './redacted-arguments';

/** One finished call as the hub hands it over: arguments still raw (redacted off the reply path). */
export interface AuditedCall {
  /** Epoch ms when the hub received the call. */
  at: number;
  principal: string;
  /** The MCP session id as the transport has it (the record keeps a digest of it). */
  sessionId?: string;
  operation: HubOperation;
  target: string;
  connector?: string;
  replicaId?: string;
  arguments: unknown;
  decision: { allowed: boolean; policies: string[] } | null;
  approvalId?: string;
  outcome: CallOutcome;
  latencyMs: number;
}

export interface AuditLogOptions {
  store: AuditStore;
  /** The hub replica recording (`hubId` of every record). */
  hubId: string;
  logger: Logger;
  /** Masks secrets in arguments; default the kit's patterns with no registered values. */
  redactor?: Redactor;
  /** Cap on a record's redacted arguments, characters of JSON. Default 4096 (`DEFAULT_MAX_ARGUMENT_CHARS`). */
  maxArgumentChars?: number;
  /** Records waiting to be written beyond which new ones are dropped (counted, logged). Default 50 000. */
  maxQueued?: number;
  /** Records written per transaction, at most. Default 500. */
  maxBatch?: number;
  /**
   * How long a record waits for others to share its transaction, ms. Default 20: with SQLite,
   * whose writes hold the event loop, one transaction per call added 0.15 ms to each call's
   * median latency; batched, the cost disappears into the noise (figures in ADR 0008).
   */
  batchDelayMs?: number;
}

/** Whether an edited row still has what a view reads (the admin page renders these fields). */
function isShowable(record: AuditRecord): boolean {
  const texts = [record.at, record.hubId, record.principal, record.operation, record.target, record.argumentsHash, record.outcome];
  const decision = record.decision as unknown;
  const decisionOk = decision === null || (typeof decision === 'object' && Array.isArray((decision as { policies?: unknown }).policies));
  return typeof record.seq === 'number' && texts.every((text) => typeof text === 'string') && decisionOk;
}

function sleep(ms: number): Promise<void> {
  // Unref'd: a timer that lost its race must not keep the process alive.
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}

/** Longest wait between two tries after the store failed, ms. */
const MAX_RETRY_MS = 30_000;

/**
 * The hub's audit log: records every call into the store's hash chain. Recording costs the call
 * a push onto a queue; redaction, hashing and the write happen after the reply, in batches (one
 * transaction per batch), one batch at a time, so this replica's records keep their order.
 * A failed write is retried with backoff and nothing is dropped until `maxQueued` records wait.
 * {@link close} writes everything still queued.
 */
export class AuditLog extends EventEmitter<{ written: [number]; failed: [number]; dropped: [number] }> {
  private readonly redactor: Redactor;
  private incoming: AuditedCall[] = [];
  /** Entries already redacted whose write failed, written first on the next try. */
  private unwritten: AuditEntry[] = [];
  private draining?: Promise<void>;
  private scheduled = false;
  /** Wait before the next try after failed writes, ms; 0 after a success. */
  private backoffMs = 0;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;
  /** Records dropped since this log started. */
  private dropped = 0;

  constructor(private readonly options: AuditLogOptions) {
    super();
    this.redactor = options.redactor ?? new Redactor();
  }

  get store(): AuditStore {
    return this.options.store;
  }

  /** Records waiting to be written. */
  get queued(): number {
    return this.incoming.length + this.unwritten.length;
  }

  /** Queues one call's record; returns at once. */
  record(call: AuditedCall): void {
    if (this.closed || this.queued >= (this.options.maxQueued ?? 50_000)) {
      this.emit('dropped', 1);
      // The first drop and every 1000th: a full queue drops at the call rate.
      if (this.dropped++ % 1000 === 0) {
        this.options.logger.error({ operation: call.operation, target: call.target, principal: call.principal, closed: this.closed, droppedSoFar: this.dropped }, 'audit record dropped');
      }
      return;
    }
    this.incoming.push(call);
    this.schedule();
  }

  /** Resolves when every record queued so far is written (or its write failed once). */
  async flush(): Promise<void> {
    while (this.draining || this.queued > 0) {
      if (!this.draining) this.startDrain();
      await this.draining;
      if (this.backoffMs > 0) return;
    }
  }

  /**
   * Stops taking records and writes those queued, trying failed writes again, for up to
   * `timeoutMs` in all (a store that hangs does not hold the shutdown); what is still unwritten
   * then is logged with its count and counted as dropped. Does not close the store.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const deadline = Date.now() + timeoutMs;
    while ((this.queued > 0 || this.draining) && Date.now() < deadline) {
      this.backoffMs = 0;
      if (!this.draining) this.startDrain();
      const drained = await Promise.race([this.draining!.then(() => true), sleep(deadline - Date.now()).then(() => false)]);
      if (!drained) break;
      if (this.queued > 0) await sleep(Math.min(500, deadline - Date.now()));
    }
    if (this.queued > 0) {
      this.options.logger.error({ lost: this.queued }, 'audit records not written before shutdown');
      this.emit('dropped', this.queued);
    }
  }

  /** The last `limit` records, newest first; a row edited past reading is left out, for `verify` to name. */
  async recent(limit: number): Promise<(AuditRecord & { hash: string })[]> {
    return (await this.options.store.latest(limit)).flatMap((row) => {
      try {
        const record = JSON.parse(row.record) as AuditRecord;
        return isShowable(record) ? [{ ...record, hash: row.hash }] : [];
      } catch {
        return [];
      }
    });
  }

  /** Walks the whole chain (see {@link verifyAuditStore}). */
  verify(): Promise<AuditVerification> {
    return verifyAuditStore(this.options.store);
  }

  private schedule(): void {
    if (this.scheduled || this.draining || this.retryTimer) return;
    this.scheduled = true;
    // Never in the current turn: the reply that recorded this call goes out first.
    setTimeout(() => {
      this.scheduled = false;
      if (!this.draining) this.startDrain();
    }, this.options.batchDelayMs ?? 20);
  }

  private startDrain(): void {
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queued > 0 && !this.retryTimer && !this.closed) this.schedule();
    });
  }

  private async drain(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 500;
    while (this.queued > 0) {
      for (const call of this.incoming.splice(0)) this.unwritten.push(this.entryOf(call));
      const batch = this.unwritten.slice(0, maxBatch);
      try {
        await this.options.store.append(batch);
        this.unwritten.splice(0, batch.length);
        this.backoffMs = 0;
        this.emit('written', batch.length);
      } catch (error) {
        this.emit('failed', batch.length);
        this.backoffMs = Math.min(MAX_RETRY_MS, Math.max(250, this.backoffMs * 2));
        this.options.logger.error({ err: error, queued: this.queued, retryInMs: this.backoffMs }, 'audit records not written; retrying');
        if (!this.closed) {
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.schedule();
          }, this.backoffMs);
          this.retryTimer.unref();
        }
        return;
      }
    }
  }

  private entryOf(call: AuditedCall): AuditEntry {
    const base = {
      at: new Date(call.at).toISOString(),
      hubId: this.options.hubId,
      principal: call.principal,
      session: call.sessionId === undefined ? undefined : hash('sha256', call.sessionId, 'hex').slice(0, 16),
      operation: call.operation,
      target: this.redactor.redact(call.target),
      connector: call.connector,
      replicaId: call.replicaId,
      decision: call.decision,
      approvalId: call.approvalId,
      outcome: call.outcome,
      latencyMs: call.latencyMs,
    };
    try {
      return { ...base, ...redactedArguments(call.arguments, this.redactor, this.options.maxArgumentChars) };
    } catch {
      // Nested past the call stack (the body cap allows it): record the call without them.
      return { ...base, argumentsHash: 'unavailable', arguments: Redactor.MASK, argumentsTruncated: true };
    }
  }
}

/**
 * Verifies the chain of `store` from its first record up to the head read first (records
 * appended meanwhile are left for the next run).
 */
export async function verifyAuditStore(store: AuditStore): Promise<AuditVerification> {
  const head = await store.head();
  return verifyAuditChain(allAuditRows(store, head.seq), head);
}
