import type { KeyObject } from 'node:crypto';
import { Worker, UnrecoverableError, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { JobDataSchema, JobKeys, RETRIED_JOB_ERROR_KINDS, type JobData, type JobFailure, type ToolResult } from '@mcp-hub/connector-contract';
import { errorKind } from './call-runner';
import { ClientRequestFailed } from './client-request-failed';
import type { ConnectorDefinition } from './define-connector';
import type { HandlerContext } from './handler-context';
import { PrincipalAssertionVerifier } from './principal-assertion-verifier';
import { Redactor } from './redactor';
import { ToolError } from './tool-error';

export interface JobWorkerOptions<D> {
  connector: ConnectorDefinition<D>;
  deps: D;
  /** Redis URL (`redis://127.0.0.1:6379`). The worker opens its own connections and closes them on {@link JobWorker.close}. */
  redisUrl: string;
  /** The deployment namespace (as the bus's). Default `mcphub`. */
  namespace?: string;
  logger: Logger;
  /** Jobs this replica runs at once. Default 1. */
  concurrency?: number;
  /** Masks secrets in failure messages. Default: credential shapes only. */
  redactor?: Redactor;
  /** Tells hubs a resource changed (`ctx.resourceUpdated`); absent: a no-op. */
  resourceUpdated?: (uri: string) => void;
  /**
   * How long a job's lock lives without renewal, ms (BullMQ `lockDuration`): a killed worker's
   * job is given to another worker within about this time. Default 30 000.
   */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for, ms (BullMQ `stalledInterval`). Default 30 000. */
  stalledIntervalMs?: number;
  /**
   * The hub's Ed25519 public keys: every job must carry a job assertion one of them signed
   * (`JobData.assertion`), or it fails as `forbidden` without running. Absent: Redis is trusted,
   * as a replica without keys trusts the bus.
   */
  assertionKeys?: readonly KeyObject[];
}

const GENERIC_FAILURE = 'The connector failed while running this job. The failure has been logged.';

/**
 * Runs a connector's `execution: 'job'` tools from its BullMQ queue, in the replica's process:
 * the same handler as a NATS call, with `ctx.progress` stored on the job, `ctx.signal` aborted by
 * a hub's cancel or the job's deadline. A failure's kind decides whether BullMQ retries it
 * ({@link RETRIED_JOB_ERROR_KINDS}); the others fail at once (`UnrecoverableError`).
 */
export class JobWorker<D> {
  private readonly keys: JobKeys;
  private readonly worker: Worker;
  private readonly subscriber: Redis;
  private readonly redis: Redis;
  /** The worker's own connection: BullMQ leaves a connection it was given open on close. */
  private readonly workerConnection: Redis;
  private readonly running = new Map<string, AbortController>();
  private readonly redactor: Redactor;
  private readonly connectorId: string;
  private readonly assertions?: PrincipalAssertionVerifier;

  constructor(private readonly options: JobWorkerOptions<D>) {
    this.keys = new JobKeys(options.namespace);
    this.connectorId = options.connector.manifest.id;
    if (options.assertionKeys) this.assertions = new PrincipalAssertionVerifier({ publicKeys: options.assertionKeys, connectorId: this.connectorId });
    this.redactor = options.redactor ?? new Redactor();
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker(this.keys.queue(this.connectorId), (job, _token, signal) => this.process(job, signal), {
      connection: this.workerConnection,
      prefix: this.keys.prefix,
      concurrency: options.concurrency ?? 1,
      lockDuration: options.lockDurationMs ?? 30_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      autorun: false,
    });
    this.worker.on('error', (error) => options.logger.warn({ err: error }, 'job worker error'));
  }

  /** Whether a connector has any job tool (otherwise there is nothing to run a worker for). */
  static hasJobTools<C>(connector: ConnectorDefinition<C>): boolean {
    return [...connector.tools.values()].some((tool) => tool.descriptor.execution === 'job');
  }

  /** Jobs running in this worker now. */
  get inFlight(): number {
    return this.running.size;
  }

  /** Subscribes to cancels, then starts taking jobs. */
  async start(): Promise<void> {
    const channel = this.keys.cancelChannel(this.connectorId);
    await this.subscriber.subscribe(channel);
    this.subscriber.on('message', (from: string, jobId: string) => {
      if (from !== channel) return;
      const controller = this.running.get(jobId);
      if (!controller) return;
      this.options.logger.info({ jobId }, 'job cancelled by a hub');
      controller.abort(new ToolError('cancelled', 'The job was cancelled.'));
    });
    void this.worker.run().catch((error: unknown) => this.options.logger.error({ err: error }, 'job worker stopped'));
    await this.worker.waitUntilReady();
  }

  /**
   * Stops taking jobs. By default waits for the running ones; `force` abandons them without
   * failing them: their locks expire and another worker takes them (what a killed process looks
   * like to the queue). Call it with `force` only when the process is about to exit.
   */
  async close(force = false): Promise<void> {
    await this.worker.close(force);
    this.workerConnection.disconnect();
    this.subscriber.disconnect();
    this.redis.disconnect();
  }

  private async process(job: Job, bullSignal?: AbortSignal): Promise<ToolResult> {
    const parsed = JobDataSchema.safeParse(job.data);
    if (!parsed.success) throw failure({ kind: 'invalid_arguments', message: 'The job could not be read.' });
    const data = parsed.data;
    const tool = this.options.connector.tools.get(data.tool);
    if (!tool || tool.descriptor.execution !== 'job') throw failure({ kind: 'not_found', message: `No job tool ${data.tool} in this connector.` });
    const jobId = job.id!;
    // Before the assertion, which expires with the deadline: a retry that came too late is a timeout, not a forgery.
    if (data.deadline <= Date.now()) throw failure({ kind: 'timeout', message: 'The job ran past its deadline.' });
    const principal = await this.principalOf(jobId, data);
    if (await this.redis.exists(this.keys.cancelMark(this.connectorId, jobId))) throw failure({ kind: 'cancelled', message: 'The job was cancelled.' });
    const remaining = data.deadline - Date.now();
    if (remaining <= 0) throw failure({ kind: 'timeout', message: 'The job ran past its deadline.' });

    const controller = new AbortController();
    const onBullAbort = () => controller.abort(new ToolError('cancelled', 'The job was cancelled.'));
    bullSignal?.addEventListener('abort', onBullAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new ToolError('timeout', 'The job ran past its deadline.')), remaining);
    // The worker's connections keep the process alive while it serves; a job's deadline must not keep it alive after.
    timer.unref();
    this.running.set(jobId, controller);
    const logger = this.options.logger.child({ jobId, principal: principal.id });
    const ctx = this.context(job, data.deadline, principal, controller.signal, logger);
    try {
      return await tool.run(data.arguments, ctx, this.options.deps);
    } catch (error) {
      const kind = errorKind(error, controller.signal);
      const reason = error instanceof ToolError ? error : controller.signal.reason instanceof ToolError ? (controller.signal.reason as ToolError) : undefined;
      if (kind === 'internal') logger.error({ err: error }, 'job handler failed');
      const detail: JobFailure = {
        kind: kind as JobFailure['kind'],
        message: reason ? this.redactor.redact(reason.message) : kind === 'cancelled' ? 'The job was cancelled.' : GENERIC_FAILURE,
        ...(reason?.retryAfterMs !== undefined && { retryAfterMs: reason.retryAfterMs }),
      };
      throw failure(detail);
    } finally {
      clearTimeout(timer);
      bullSignal?.removeEventListener('abort', onBullAbort);
      this.running.delete(jobId);
    }
  }

  /**
   * Who the job runs for: with the hub's keys, the principal its signed assertion names (whatever
   * the data says); a job without a valid one fails as `forbidden`, and is not retried.
   */
  private async principalOf(jobId: string, data: JobData): Promise<HandlerContext['principal']> {
    if (!this.assertions) return data.principal;
    try {
      return await this.assertions.verifyJob(data.assertion, { id: jobId, tool: data.tool, arguments: data.arguments });
    } catch (error) {
      this.options.logger.warn({ jobId, claimed: data.principal.id, reason: (error as Error).message }, 'job refused: its principal assertion does not verify');
      throw failure({ kind: 'forbidden', message: 'The job was refused: the hub did not sign it for this principal.' });
    }
  }

  private context(job: Job, deadline: number, principal: HandlerContext['principal'], signal: AbortSignal, logger: Logger): HandlerContext {
    const unsupported = () => Promise.reject(new ClientRequestFailed('unsupported', 'A job cannot ask the client: it may run when no client is connected.'));
    const { resourceUpdated } = this.options;
    return {
      signal,
      deadline,
      invocationId: job.id!,
      jobId: job.id!,
      principal,
      logger,
      progress: (progress, total, message) => {
        void job.updateProgress({ progress, ...(total !== undefined && { total }), ...(message !== undefined && { message: message.slice(0, 1000) }) }).catch((error: unknown) => logger.warn({ err: error }, 'job progress not stored'));
      },
      resourceUpdated: (uri) => resourceUpdated?.(uri),
      elicit: unsupported,
      createMessage: unsupported,
      listRoots: unsupported,
    };
  }
}

/** The error BullMQ records: the failure as JSON, retried only for the kinds worth another attempt. */
function failure(detail: JobFailure): Error {
  const message = JSON.stringify(detail);
  return RETRIED_JOB_ERROR_KINDS.has(detail.kind) ? new Error(message) : new UnrecoverableError(message);
}
