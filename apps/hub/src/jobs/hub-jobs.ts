import { z } from 'zod';
import type { Logger } from 'pino';
import { jobIdOfUri, jobUri, newJobId, type Principal, type ResourceReadResult, type ToolResult } from '@mcp-hub/connector-contract';
import type { PrincipalAssertionSigner } from '../auth/principal-assertion-signer';
import type { Progress } from '../invocation/bus-invoker';
import type { JobEvent, JobQueues, JobState, JobSummary } from './job-queues';

/** A tool the hub itself serves, as lists show it (the shape of the hub's `ListedTool`). */
export interface HubOwnTool {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations: Record<string, unknown>;
}

/** What a job tool call needs from the hub's call. */
export interface JobCallOptions {
  principal: Principal;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  traceparent?: string;
  /**
   * Asks for the call to answer at once, as an MCP task: the job is queued and `accepted` told
   * its id, and the call answers with its link without waiting (MCP Tasks, `src/tasks`).
   */
  task?: { accepted(jobId: string): void };
}

export interface HubJobsOptions {
  /** BullMQ ({@link BullJobQueues}) or the embedded runner ({@link EmbeddedJobQueues}). */
  queues: JobQueues;
  logger: Logger;
  /** How long a call whose client asked for progress waits for its job before answering with a link, ms. Default 60 000. */
  progressWaitMs?: number;
  /** Deadline of a job (all its attempts), ms from submission. Default 1 h. */
  jobTimeoutMs?: number;
  /** Signs the job assertion each job carries, which the worker verifies. Absent: none is put on the job. */
  assertions?: PrincipalAssertionSigner;
}

export const JOBS_GET = 'jobs_get';
export const JOBS_CANCEL = 'jobs_cancel';

const JobIdArgs = z.strictObject({ jobId: z.string().min(1).max(200) });
const JOB_ID_INPUT = { type: 'object', properties: { jobId: { type: 'string', description: 'The job id from the call that started it (the `jobs://` link).' } }, required: ['jobId'], additionalProperties: false };

/**
 * Long tool calls (`execution: 'job'`) as MCP clients see them: the call waits, streaming
 * `notifications/progress`, when the client sent a progressToken, up to `progressWaitMs`;
 * otherwise, or past that, its result is a `jobs://{id}` resource link, read with the hub tools
 * `jobs_get` and `jobs_cancel` or as the resource. Only the principal who started a job sees it:
 * to anyone else it does not exist.
 */
export class HubJobs {
  readonly tools: readonly HubOwnTool[] = [
    {
      name: JOBS_GET,
      title: 'Get a job',
      description: 'Status, progress, and the result or error of a long-running tool call you started (its id is in the jobs:// link the call returned).',
      inputSchema: JOB_ID_INPUT,
      annotations: { title: 'Get a job', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    {
      name: JOBS_CANCEL,
      title: 'Cancel a job',
      description: 'Cancels a long-running tool call you started. A job that already finished is left as it is.',
      inputSchema: JOB_ID_INPUT,
      annotations: { title: 'Cancel a job', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
  ];

  constructor(private readonly options: HubJobsOptions) {}

  /** The newest jobs (at most `limit`) of the queues of `connectors`, newest first: the admin page's view, read-only. */
  async recent(connectors: readonly string[], limit = 20): Promise<JobSummary[]> {
    const lists = await Promise.all(connectors.map((connector) => this.options.queues.recent(connector, limit)));
    return lists.flat().sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
  }

  /** Closes the queues' Redis connections. */
  close(): Promise<void> {
    return this.options.queues.close();
  }

  /** Whether `name` is one of the hub's job tools. */
  isOwnTool(name: string): boolean {
    return name === JOBS_GET || name === JOBS_CANCEL;
  }

  /** Whether `uri` is a job's resource (`jobs://{id}`). */
  servesUri(uri: string): boolean {
    return jobIdOfUri(uri) !== undefined;
  }

  /** Starts `tool` of `connector` as a job and answers as the class comment says. */
  async call(connector: string, tool: string, args: Record<string, unknown>, options: JobCallOptions): Promise<ToolResult> {
    const { queues } = this.options;
    const jobId = newJobId(connector);
    const deadline = Date.now() + (this.options.jobTimeoutMs ?? 3_600_000);
    const assertion = await this.options.assertions?.signJob(options.principal, { connector, jobId, tool, arguments: args, deadline });
    const data = { tool, arguments: args, principal: options.principal, deadline, ...(options.traceparent && { traceparent: options.traceparent }), ...(assertion && { assertion }) };
    const { onProgress, signal, task } = options;
    if (!onProgress || task) {
      await queues.submit(jobId, data);
      task?.accepted(jobId);
      return linkResult(jobId, 'started');
    }
    let stop: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      return await new Promise<ToolResult>((resolve, reject) => {
        const settle = (event: JobEvent) => {
          if (event.type === 'progress') onProgress(event.progress);
          else resolve(event.type === 'completed' ? event.result : failedResult(jobId, event.error.message));
        };
        onAbort = () => {
          // notifications/cancelled for the running call cancels its job.
          queues.cancel(jobId).catch((error: unknown) => this.options.logger.warn({ err: error, jobId }, 'job cancel failed'));
          resolve(failedResult(jobId, 'The call was cancelled.'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        timer = setTimeout(() => resolve(linkResult(jobId, 'still running')), this.options.progressWaitMs ?? 60_000);
        queues
          .watch(jobId, settle)
          .then((unwatch) => {
            stop = unwatch;
            return queues.submit(jobId, data);
          })
          .catch(reject);
      });
    } finally {
      stop?.();
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Runs `jobs_get` or `jobs_cancel` for `principal`. */
  async callOwnTool(name: string, args: Record<string, unknown>, principal: Principal): Promise<ToolResult> {
    const parsed = JobIdArgs.safeParse(args);
    if (!parsed.success) return errorResult('Invalid arguments: jobId (a string) is required.');
    const { jobId } = parsed.data;
    const state = await this.ownState(jobId, principal);
    if (!state) return errorResult(`No job ${jobId.slice(0, 200)}.`);
    if (name === JOBS_CANCEL) {
      if (state.status === 'waiting' || state.status === 'active') await this.options.queues.cancel(jobId);
      return { content: [{ type: 'text', text: state.status === 'waiting' || state.status === 'active' ? `Job ${jobId} is being cancelled.` : `Job ${jobId} already ended (${state.status}).` }] };
    }
    return stateResult(state);
  }

  /** Reads `jobs://{id}`: the job's state as JSON, for its owner only. */
  async read(uri: string, principal: Principal): Promise<ResourceReadResult | undefined> {
    const jobId = jobIdOfUri(uri);
    const state = jobId && (await this.ownState(jobId, principal));
    if (!state) return undefined;
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(view(state)) }] };
  }

  private async ownState(jobId: string, principal: Principal): Promise<JobState | undefined> {
    const state = await this.options.queues.state(jobId);
    return state && state.principalId === principal.id ? state : undefined;
  }
}

function view(state: JobState): Record<string, unknown> {
  return {
    jobId: state.jobId,
    status: state.status,
    ...(state.progress && { progress: state.progress }),
    ...(state.result && { result: state.result.structuredContent ?? { content: state.result.content } }),
    ...(state.error && { error: { kind: state.error.kind, message: state.error.message } }),
  };
}

/** `jobs_get`'s answer: the job's own result content once completed, its state in `structuredContent`. */
function stateResult(state: JobState): ToolResult {
  const structuredContent = view(state);
  if (state.status === 'completed' && state.result) return { content: state.result.content, structuredContent, ...(state.result.isError && { isError: true }) };
  const percent = state.progress?.total ? ` (${state.progress.progress}/${state.progress.total})` : '';
  const error = state.error ? `: ${state.error.message}` : '';
  return { content: [{ type: 'text', text: `Job ${state.jobId} is ${state.status}${percent}${error}` }], structuredContent };
}

function linkResult(jobId: string, what: 'started' | 'still running'): ToolResult {
  return {
    content: [
      { type: 'text', text: `The job ${what === 'started' ? 'started' : 'is still running'}. Call jobs_get with jobId "${jobId}" for its status and result, or jobs_cancel to stop it.` },
      { type: 'resource_link', uri: jobUri(jobId), name: `job ${jobId}`, mimeType: 'application/json' },
    ],
  };
}

function failedResult(jobId: string, message: string): ToolResult {
  return errorResult(`${message} (job ${jobId})`);
}

function errorResult(message: string): ToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
