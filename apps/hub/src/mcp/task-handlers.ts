import { z } from 'zod';
import { CancelTaskRequestSchema, GetTaskPayloadRequestSchema, GetTaskRequestSchema, ListTasksRequestSchema, TaskCreationParamsSchema, TaskSchema } from '@modelcontextprotocol/core';
import { CLIENT_CAPABILITIES_META_KEY, ProtocolError, ProtocolErrorCode, RELATED_TASK_META_KEY, type CallToolResult, type Server, type ServerContext } from '@modelcontextprotocol/server';
import type { Principal } from '@mcp-hub/connector-contract';
import type { CallOptions, Hub } from '../hub';
import type { HubTask, HubTasks } from '../tasks/hub-tasks';
import { InvalidCursor } from '../tasks/task-store';
import { TaskCreated } from './hub-mcp-server';
import { callToolInRounds } from './input-required-rounds';
import { isEra2026 } from './sdk-client-channel';

/**
 * MCP Tasks on the SDK's v2 line, which kept the 2025-11-25 wire schemas but removed the server
 * side (docs/decisions/0012-mcp-tasks-without-sdk-support.md): 2025-era sessions get the
 * experimental tasks of 2025-11-25 (`params.task` on `tools/call`; `tasks/get`, `tasks/result`,
 * `tasks/list`, `tasks/cancel`), 2026-07-28 clients that declare the `io.modelcontextprotocol/tasks`
 * extension get its tasks (`resultType: 'task'`; `tasks/get`, `tasks/update`, `tasks/cancel`).
 */

/** The 2026-07-28 Tasks extension's identifier, in capabilities. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** What the server declares when it serves tasks, in both eras' words (each era's codec reads its own key). */
export const TASKS_CAPABILITIES = {
  tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
  extensions: { [TASKS_EXTENSION]: {} },
};

/** A task in 2025-11-25's words: the SDK's schema is the type. */
type Task = z.output<typeof TaskSchema>;

const TaskIdParams = z.object({ taskId: z.string().min(1).max(200) }).loose();

/** Whether this `tools/call` asks for a task: `params.task` (2025-11-25), or the extension in the request's capabilities (2026-07-28). */
export function wantsTask(ctx: ServerContext, params: { task?: unknown }): boolean {
  if (!isEra2026(ctx)) return params.task !== undefined;
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const declared = envelope?.[CLIENT_CAPABILITIES_META_KEY] as { extensions?: Record<string, unknown> } | undefined;
  return declared?.extensions?.[TASKS_EXTENSION] !== undefined;
}

/**
 * A `tools/call` that asked for a task. A job tool is queued and answered with its task at once
 * (as {@link TaskCreated}, past the SDK's tool-result check). Any other tool: a 2025 request is
 * refused with -32601 (the tool's `taskSupport` is absent, i.e. forbidden); a 2026 request, where
 * the server decides, is answered with the tool's plain result.
 */
export async function callToolAsTask(server: Server, hub: Hub, tasks: HubTasks, ctx: ServerContext, name: string, params: { task?: unknown }, args: Record<string, unknown>, options: CallOptions): Promise<unknown> {
  const era2026 = isEra2026(ctx);
  if (!hub.runsAsJob(name, options.principal)) {
    if (!era2026) throw new ProtocolError(ProtocolErrorCode.MethodNotFound, `Tool ${name} cannot be called as a task: it does not run as a job.`);
    return callToolInRounds(hub, ctx, name, args, options);
  }
  const requested = TaskCreationParamsSchema.safeParse(params.task ?? {});
  let jobId: string | undefined;
  const task = { accepted: (id: string) => (jobId = id) };
  // TODO(#15): a 2026 call parked on input_required (an approval) is resumed by a retry, which this jobId never sees: such a call answers its link, not a task.
  const result = era2026 ? await callToolInRounds(hub, ctx, name, args, { ...options, task }) : await hub.callTool(name, args, { ...options, task });
  // Refused before any job was queued (arguments, policy, rate limit, Redis down): the plain result says why.
  if (jobId === undefined) return result;
  const created = await tasks.create(jobId, options.principal, requested.success ? requested.data.ttl : undefined);
  if (era2026) throw new TaskCreated({ resultType: 'task', ...task2026(created) });
  // 2025 sessions are told when the task ends (on their GET stream); a lost notification costs a poll.
  void tasks.whenEnded(created.taskId, options.principal, (ended) => {
    server.notification({ method: 'notifications/tasks/status', params: task2025(ended) }).catch(() => undefined);
  }).catch(() => undefined);
  throw new TaskCreated({ task: task2025(created) });
}

/**
 * Registers `tasks/*` on a server built for one 2025 session or one 2026 request.
 * TODO(#15): the extension's `notifications/tasks` on `subscriptions/listen` streams that name `taskIds` (clients poll meanwhile).
 */
export function registerTaskHandlers(server: Server, tasks: HubTasks, principalFor: (ctx: ServerContext) => Principal): void {
  const found = (task: HubTask | undefined): HubTask => {
    if (!task) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Failed to retrieve task: Task not found');
    return task;
  };

  server.setRequestHandler('tasks/get', { params: GetTaskRequestSchema.shape.params }, async ({ taskId }, ctx) => {
    const task = found(await tasks.get(taskId, principalFor(ctx)));
    return isEra2026(ctx) ? task2026(task) : task2025(task);
  });

  // 2025-11-25 only: the SDK answers -32601 for it on the 2026 era, which has no tasks/result.
  server.setRequestHandler('tasks/result', { params: GetTaskPayloadRequestSchema.shape.params }, async ({ taskId }, ctx) => {
    const task = found(await tasks.ended(taskId, principalFor(ctx), ctx.mcpReq.signal));
    const result = task.result as CallToolResult;
    return { ...result, _meta: { ...result._meta, [RELATED_TASK_META_KEY]: { taskId } } };
  });

  // 2025-11-25 only, as tasks/result (the extension dropped listing: it correlated callers).
  server.setRequestHandler('tasks/list', { params: ListTasksRequestSchema.shape.params.unwrap().optional().default({}) }, async ({ cursor }, ctx) => {
    try {
      const page = await tasks.list(principalFor(ctx), cursor);
      return { tasks: page.tasks.map(task2025), ...(page.nextCursor && { nextCursor: page.nextCursor }) };
    } catch (error) {
      if (error instanceof InvalidCursor) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'Invalid cursor');
      throw error;
    }
  });

  server.setRequestHandler('tasks/cancel', { params: CancelTaskRequestSchema.shape.params }, async ({ taskId }, ctx) => {
    const outcome = await tasks.cancel(taskId, principalFor(ctx));
    const { task, cancelled } = { task: found(outcome?.task), cancelled: outcome?.cancelled };
    // 2026: an acknowledgement, eventually consistent; 2025: the task, and an ended one cannot be cancelled.
    if (isEra2026(ctx)) return {};
    if (!cancelled) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Cannot cancel task: already in terminal status '${task2025(task).status}'`);
    return task2025(task);
  });

  // 2026-07-28 extension only. A job never asks the client, so no task has outstanding input
  // requests: its `inputResponses` (which the SDK lifts out of params) are ignored, as the
  // extension says of keys not outstanding.
  server.setRequestHandler('tasks/update', { params: TaskIdParams }, async ({ taskId }, ctx) => {
    if (!isEra2026(ctx)) throw new ProtocolError(ProtocolErrorCode.MethodNotFound, 'Method not found');
    found(await tasks.get(taskId, principalFor(ctx)));
    return {};
  });
}

/** A task in 2025-11-25's words: a failed job, or a tool result with `isError`, is `failed`. */
function task2025(task: HubTask): Task {
  const status = task.status === 'cancelled' ? 'cancelled' : task.status === 'failed' || (task.status === 'completed' && task.result?.isError) ? 'failed' : task.status === 'completed' ? 'completed' : 'working';
  const message = statusMessage(task);
  return {
    taskId: task.taskId,
    status,
    ttl: task.ttlMs,
    createdAt: new Date(task.createdAt).toISOString(),
    lastUpdatedAt: new Date(task.updatedAt).toISOString(),
    pollInterval: task.pollIntervalMs,
    ...(message && { statusMessage: message }),
  };
}

/**
 * A task in the 2026-07-28 extension's words (a `DetailedTask`): `failed` is kept for JSON-RPC
 * errors, so a job that failed is `completed` with its `isError` tool result inline.
 */
function task2026(task: HubTask): Record<string, unknown> {
  const status = task.status === 'cancelled' ? 'cancelled' : task.status === 'completed' || task.status === 'failed' ? 'completed' : 'working';
  const message = statusMessage(task);
  return {
    taskId: task.taskId,
    status,
    createdAt: new Date(task.createdAt).toISOString(),
    lastUpdatedAt: new Date(task.updatedAt).toISOString(),
    ttlMs: task.ttlMs,
    pollIntervalMs: task.pollIntervalMs,
    ...(message && { statusMessage: message }),
    ...(status === 'completed' && task.result && { result: task.result }),
  };
}

function statusMessage(task: HubTask): string | undefined {
  if (task.status === 'waiting') return 'Queued.';
  if (task.status === 'active') {
    const { progress } = task;
    if (!progress) return 'Running.';
    return progress.message ?? (progress.total ? `${progress.progress} of ${progress.total}` : `${progress.progress}`);
  }
  if (task.result?.isError) return task.result.content.map((block) => (block.type === 'text' ? block.text : '')).join(' ').slice(0, 1000);
  return undefined;
}
