import { randomUUID } from 'node:crypto';
import { FlowProducer, Job, Queue, QueueEvents, UnrecoverableError, WaitingChildrenError, Worker, type FlowJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { JobKeys, PrincipalSchema } from '@mcp-hub/connector-contract';
import { ChainExpressionError } from './chain-expression';
import type { ChainPlan, PlannedStep, StepOutcome } from './chain-plan';
import { chainOutput, firstFailure, type ChainRunOptions, type ChainRunResult, type ChainRunner } from './chain-runner';
import { runChainStep, stepScope, type ChainToolInvoker } from './chain-step';

export interface BullChainRunnerOptions {
  redisUrl: string;
  /** The deployment namespace (as the bus's). Default `mcphub`. */
  namespace?: string;
  logger: Logger;
  /** Steps and chains this hub process runs at once. Steps mostly wait on connectors; a step calling another chain holds its slot meanwhile. Default 32. */
  concurrency?: number;
  /** How long a finished chain (its result or error) and its steps are kept, ms. Default 24 h. */
  keepMs?: number;
  /** Deadline of a whole chain, ms from its start. Default 1 h. */
  timeoutMs?: number;
  /** BullMQ's lock of a running job, ms: a hub that died holding it gives the job to another hub after this. Default 30 000. */
  lockDurationMs?: number;
  /** How often BullMQ looks for jobs whose hub died, ms. Default 30 000. */
  stalledIntervalMs?: number;
  /** How long a run waits for Redis before failing, ms. Default 10 000. */
  redisWaitMs?: number;
}

/** A chain's parent job: who called it with what. Parsed on arrival: Redis is a process boundary. */
const ChainJobDataSchema = z.object({
  kind: z.literal('chain'),
  chain: z.string(),
  input: z.record(z.string(), z.unknown()),
  principal: PrincipalSchema,
  deadline: z.number().int().positive(),
});
type ChainJobData = z.infer<typeof ChainJobDataSchema>;

/** One step's job: the scope its expressions read is computed by the parent when it adds the step. */
const StepJobDataSchema = z.object({
  kind: z.literal('step'),
  chain: z.string(),
  chainId: z.string(),
  step: z.string(),
  input: z.record(z.string(), z.unknown()),
  steps: z.record(z.string(), z.unknown()),
  principal: PrincipalSchema,
});
type StepJobData = z.infer<typeof StepJobDataSchema>;

const StepOutcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), value: z.unknown() }),
  z.object({ status: z.literal('skipped') }),
  z.object({ status: z.literal('failed'), message: z.string() }),
]);

/** A chain's failure, JSON in BullMQ's `failedReason`. */
const ChainFailureSchema = z.object({ message: z.string(), step: z.string().optional(), cancelled: z.boolean().optional() });
type ChainFailure = z.infer<typeof ChainFailureSchema>;

/** How often a caller looks at its chain's job, in case the observer missed its end. */
const END_POLL_MS = 5000;

type ChainEvent = { type: 'step'; step: string; outcome: StepOutcome } | { type: 'end'; result: ChainRunResult };

/** A step's job id: its chain's, a dot, the step's id. Deterministic, so adding a wave again (a parent retried after a crash) adds nothing twice. */
function stepJobId(chainId: string, step: string): string {
  return `${chainId}.${step}`;
}

/**
 * Chains as BullMQ flows on the hubs' chain queue. A run is a parent job (the chain) whose
 * children are its steps, added a wave at a time: the flow starts with the first wave
 * (`FlowProducer`), and each time the parent runs (BullMQ runs it once all its children have
 * completed) it reads their results (`getChildrenValues`), fails the chain at a failed step, or
 * adds the next wave and waits for it (`moveToWaitingChildren`). Every hub process runs a
 * `Worker` for the queue, so steps run on any hub, each through that hub's own `callTool` as the
 * chain's caller. A step's result is its job's return value: after a restart, nothing that
 * finished runs again, and the chain resumes at the steps that had not.
 */
export class BullChainRunner implements ChainRunner {
  private readonly keys: JobKeys;
  private readonly connections: Redis[] = [];
  private queue?: Queue;
  private flows?: FlowProducer;
  private events?: QueueEvents;
  private worker?: Worker;
  private invoke?: ChainToolInvoker;
  private plans: ReadonlyMap<string, ChainPlan> = new Map();
  /** Runs started by this hub process, told of their steps and their end through the one shared `QueueEvents`. */
  private readonly watchers = new Map<string, (event: ChainEvent) => void>();
  /** Steps running in this process, by chain id, so that a cancel reaches them. */
  private readonly running = new Map<string, Set<AbortController>>();
  private closing = false;

  constructor(private readonly options: BullChainRunnerOptions) {
    this.keys = new JobKeys(options.namespace);
  }

  async start(invoke: ChainToolInvoker, plans: ReadonlyMap<string, ChainPlan>): Promise<void> {
    this.invoke = invoke;
    this.plans = plans;
    const { logger } = this.options;
    const connect = () => {
      const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
      this.connections.push(connection);
      return connection;
    };
    const name = this.keys.chainQueue;
    const prefix = this.keys.prefix;
    this.queue = new Queue(name, { connection: connect(), prefix });
    this.flows = new FlowProducer({ connection: connect(), prefix });
    // QueueEvents and the Worker block on their connections: one each.
    this.events = new QueueEvents(name, { connection: connect(), prefix });
    const cancels = connect();
    const onError = (error: Error) => logger.warn({ err: error }, 'chain queue error');
    this.queue.on('error', onError);
    this.flows.on('error', onError);
    this.events.on('error', onError);
    this.events.on('completed', ({ jobId, returnvalue }) => this.onCompleted(jobId, returnvalue));
    this.events.on('failed', ({ jobId, failedReason }) => this.onFailed(jobId, failedReason));
    cancels.on('message', (_channel: string, chainId: string) => {
      for (const controller of this.running.get(chainId) ?? []) controller.abort();
    });
    // The hub starts while Redis is down; chains work once it is back (each run waits for it).
    cancels.subscribe(this.keys.chainCancelChannel).catch((error: unknown) => logger.warn({ err: error }, 'chain cancel channel not subscribed'));
    this.worker = new Worker(name, (job, token) => this.process(job, token), {
      connection: connect(),
      prefix,
      concurrency: this.options.concurrency ?? 32,
      lockDuration: this.options.lockDurationMs ?? 30_000,
      stalledInterval: this.options.stalledIntervalMs ?? 30_000,
    });
    this.worker.on('error', (error) => logger.warn({ err: error }, 'chain worker error'));
    this.worker.waitUntilReady().catch((error: unknown) => logger.warn({ err: error }, 'chain worker not started'));
  }

  async run(plan: ChainPlan, input: Record<string, unknown>, options: ChainRunOptions): Promise<ChainRunResult> {
    const { flows, events, queue } = this;
    if (!flows || !events || !queue) throw new Error('chain runner not started');
    // Events are read from when the observer starts: it must be reading before the flow exists.
    await withTimeout(events.waitUntilReady(), this.options.redisWaitMs ?? 10_000, 'Redis did not answer');
    const chainId = `chain-${randomUUID()}`;
    const data: ChainJobData = { kind: 'chain', chain: plan.name, input, principal: options.principal, deadline: Date.now() + (this.options.timeoutMs ?? 3_600_000) };
    const { signal, onStep } = options;
    let onAbort: (() => void) | undefined;
    let poll: NodeJS.Timeout | undefined;
    try {
      return await new Promise<ChainRunResult>((resolve, reject) => {
        // Watch before adding: the first step may end before `add` returns.
        this.watchers.set(chainId, (event) => {
          if (event.type === 'step') onStep?.(event.step, event.outcome);
          else resolve(event.result);
        });
        onAbort = () => {
          this.cancel(chainId).catch((error: unknown) => this.options.logger.warn({ err: error, chainId }, 'chain cancel failed'));
          resolve({ ok: false, cancelled: true, message: 'The chain was cancelled.' });
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const first = plan.nextWave(new Map());
        const flow: FlowJob = { ...this.chainJob(chainId, data), children: first.map((step) => this.stepJob(chainId, plan, step, data, new Map())) };
        flows.add(flow).catch(reject);
        // An end the observer missed (its connection dropped during the run) is read from the job itself.
        poll = setInterval(() => {
          this.endOf(queue, chainId)
            .then((result) => result && resolve(result))
            .catch(() => undefined);
        }, END_POLL_MS);
      });
    } finally {
      clearInterval(poll);
      this.watchers.delete(chainId);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Cancels a chain: marks it (no step starts, the parent ends it as cancelled) and tells every hub to stop its running steps. */
  async cancel(chainId: string): Promise<void> {
    const redis = this.connections[0]!;
    await redis.set(this.keys.chainCancelMark(chainId), '1', 'PX', this.options.keepMs ?? 86_400_000);
    await redis.publish(this.keys.chainCancelChannel, chainId);
  }

  /**
   * Stops the worker without waiting for the steps it runs, and closes every connection. A step
   * cut short by the hub stopping records nothing: its lock expires and BullMQ gives it to
   * another hub (or to this one after a restart), so the chain resumes instead of failing.
   */
  async close(): Promise<void> {
    // Synchronously, before the hub stops its invoker (whose pending calls then fail as the hub's, not the step's).
    this.closing = true;
    const closing = Promise.allSettled([this.worker?.close(true), this.events?.close(), this.flows?.close(), this.queue?.close()]);
    // BullMQ's close waits for Redis; a hub stopping while Redis is down must not hang on it.
    await withTimeout(closing, 2000, 'chain queues did not close').catch(() => undefined);
    // BullMQ leaves a connection it was given open on close.
    for (const connection of this.connections) connection.disconnect();
    this.connections.length = 0;
    this.worker = this.events = this.flows = this.queue = undefined;
  }

  private chainJob(chainId: string, data: ChainJobData): Omit<FlowJob, 'children'> {
    return { name: data.chain, queueName: this.keys.chainQueue, data, opts: { jobId: chainId, ...this.retention() } };
  }

  private stepJob(chainId: string, plan: ChainPlan, step: PlannedStep, chain: ChainJobData, outcomes: ReadonlyMap<string, StepOutcome>): FlowJob {
    const scope = stepScope(step, chain.input, outcomes);
    const data: StepJobData = { kind: 'step', chain: plan.name, chainId, step: step.id, input: scope.input, steps: scope.steps, principal: chain.principal };
    // A step job that throws (a bug, not a tool error) must not leave its parent waiting for good: the parent reads it as failed.
    return { name: step.id, queueName: this.keys.chainQueue, data, opts: { jobId: stepJobId(chainId, step.id), ignoreDependencyOnFailure: true, ...this.retention() } };
  }

  private retention() {
    const age = Math.ceil((this.options.keepMs ?? 86_400_000) / 1000);
    return { removeOnComplete: { age }, removeOnFail: { age } };
  }

  private process(job: Job, token: string | undefined): Promise<unknown> {
    const kind = (job.data as { kind?: unknown } | undefined)?.kind;
    if (kind === 'step') return this.processStep(StepJobDataSchema.parse(job.data));
    return this.processChain(job, ChainJobDataSchema.parse(job.data), token);
  }

  private async processStep(data: StepJobData): Promise<StepOutcome> {
    const step = this.plans.get(data.chain)?.step(data.step);
    if (!step) return { status: 'failed', message: 'the step is no longer defined in this hub\'s configuration' };
    if (await this.isCancelled(data.chainId)) return { status: 'failed', message: 'the chain was cancelled' };
    const controller = new AbortController();
    let set = this.running.get(data.chainId);
    if (!set) this.running.set(data.chainId, (set = new Set()));
    set.add(controller);
    try {
      const outcome = await runChainStep(step, { input: data.input, steps: data.steps }, data.principal, this.invoke!, controller.signal);
      // Ended by this hub stopping, not by the step: leave the job to stall (see close).
      if (this.closing) return await new Promise<never>(() => undefined);
      return outcome;
    } finally {
      set.delete(controller);
      if (set.size === 0) this.running.delete(data.chainId);
    }
  }

  /** The parent: runs once at the start (after the first wave) and again each time a wave has ended. */
  private async processChain(job: Job, data: ChainJobData, token: string | undefined): Promise<unknown> {
    const plan = this.plans.get(data.chain);
    if (!plan) throw failure({ message: `the chain ${data.chain} is no longer defined in this hub's configuration` });
    for (;;) {
      if (await this.isCancelled(job.id!)) throw failure({ message: 'The chain was cancelled.', cancelled: true });
      const outcomes = await this.outcomesOf(job, plan);
      const failed = firstFailure(plan, outcomes);
      if (failed) throw failure(failed);
      if (Date.now() > data.deadline) throw failure({ message: 'The chain ran past its deadline.' });
      const wave = plan.nextWave(outcomes);
      if (wave.length === 0) {
        try {
          return await chainOutput(plan, data.input, outcomes);
        } catch (error) {
          if (error instanceof ChainExpressionError) throw failure({ message: `the chain's output failed: ${error.message}` });
          throw error;
        }
      }
      const parent = { id: job.id!, queue: job.queueQualifiedName };
      await this.queue!.addBulk(
        wave.map((step) => {
          const child = this.stepJob(job.id!, plan, step, data, outcomes);
          return { name: child.name, data: child.data, opts: { ...child.opts, parent } };
        }),
      );
      if (await job.moveToWaitingChildren(token ?? '')) throw new WaitingChildrenError();
      // The wave ended before the parent could wait for it: read it now.
    }
  }

  /** How the chain's finished steps ended, from its children's return values (and the failures BullMQ kept for children that threw). */
  private async outcomesOf(job: Job, plan: ChainPlan): Promise<Map<string, StepOutcome>> {
    const outcomes = new Map<string, StepOutcome>();
    const stepOf = (key: string) => {
      const id = key.slice(key.lastIndexOf(':') + 1);
      return id.startsWith(`${job.id}.`) ? plan.step(id.slice(job.id!.length + 1)) : undefined;
    };
    for (const [key, value] of Object.entries(await job.getChildrenValues())) {
      const step = stepOf(key);
      const outcome = StepOutcomeSchema.safeParse(value);
      if (step) outcomes.set(step.id, outcome.success ? (outcome.data as StepOutcome) : { status: 'failed', message: 'the step left no readable result' });
    }
    for (const key of Object.keys(await job.getIgnoredChildrenFailures())) {
      const step = stepOf(key);
      if (step) outcomes.set(step.id, { status: 'failed', message: 'the step failed in the hub. The failure has been logged.' });
    }
    return outcomes;
  }

  /** How a chain ended, read from its parent job; undefined while it runs (or once it is gone). */
  private async endOf(queue: Queue, chainId: string): Promise<ChainRunResult | undefined> {
    const job = await Job.fromId(queue, chainId);
    if (!job) return undefined;
    if (job.finishedOn && job.failedReason) return chainFailure(job.failedReason);
    if (job.finishedOn) return { ok: true, output: job.returnvalue };
    return undefined;
  }

  private async isCancelled(chainId: string): Promise<boolean> {
    return (await this.connections[0]!.exists(this.keys.chainCancelMark(chainId))) === 1;
  }

  private onCompleted(jobId: string, returnvalue: unknown): void {
    const dot = jobId.indexOf('.');
    if (dot > 0) {
      const outcome = StepOutcomeSchema.safeParse(parseJson(returnvalue));
      if (outcome.success) this.watchers.get(jobId.slice(0, dot))?.({ type: 'step', step: jobId.slice(dot + 1), outcome: outcome.data as StepOutcome });
      return;
    }
    this.watchers.get(jobId)?.({ type: 'end', result: { ok: true, output: parseJson(returnvalue) } });
  }

  private onFailed(jobId: string, failedReason: string): void {
    if (jobId.includes('.')) return;
    const result = chainFailure(failedReason);
    if (result.ok === false && result.step === undefined && !result.cancelled) this.options.logger.warn({ chainId: jobId, reason: failedReason.slice(0, 500) }, 'chain failed');
    this.watchers.get(jobId)?.({ type: 'end', result });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A failed chain's reason as its caller reads it: ours (JSON), or a generic message for BullMQ's own. */
function chainFailure(failedReason: string): ChainRunResult {
  const parsed = ChainFailureSchema.safeParse(parseJson(failedReason));
  return parsed.success ? { ok: false, ...parsed.data } : { ok: false, message: 'The chain failed in the hub. The failure has been logged.' };
}

/** A chain's end that no retry changes, its reason JSON for whoever watches it. */
function failure(reason: ChainFailure): UnrecoverableError {
  return new UnrecoverableError(JSON.stringify(reason));
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
