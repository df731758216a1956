import { Redis } from 'ioredis';
import { z } from 'zod';
import { JobWorker, runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createJobConnector, jobDeps, type JobDeps } from '@mcp-hub/connector-kit/testing';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CreateTaskResultSchema, GetTaskResultSchema, ListTasksResultSchema, CallToolResultSchema, CancelTaskResultSchema, TaskStatusNotificationSchema } from '@modelcontextprotocol/core';
import { BullJobQueues } from '../src/jobs/bull-job-queues';
import { HubJobs } from '../src/jobs/hub-jobs';
import { HubTasks } from '../src/tasks/hub-tasks';
import { RedisTaskStore } from '../src/tasks/redis-task-store';
import { HubFixture, silent, waitFor } from './hub-fixture';
import { MODERN_META, modernHeaders, send } from './raw-http';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connector = createJobConnector('jobby');
const EXTENSION = 'io.modelcontextprotocol/tasks';

interface Setup {
  fixture: HubFixture;
  namespace: string;
  worker: JobWorker<JobDeps>;
  deps: JobDeps;
  service: ConnectorService<JobDeps>;
}
let setup: Setup;

async function start(tasksOptions: { minTtlMs?: number; maxTtlMs?: number } = {}): Promise<void> {
  const namespace = `tasktest${process.pid}x${Math.floor(Math.random() * 1e9)}`;
  const queues = new BullJobQueues({ redisUrl: REDIS_URL, namespace, logger: silent, attempts: 2, backoffMs: 20, keepMs: 60_000 });
  const tasks = new HubTasks({ jobs: queues, store: new RedisTaskStore(REDIS_URL, namespace), logger: silent, pollIntervalMs: 100, maxTtlMs: 60_000, ...tasksOptions });
  const fixture = new HubFixture();
  await fixture.start({}, 5000, { jobs: new HubJobs({ queues, logger: silent, progressWaitMs: 10_000 }), tasks });
  const service = await runConnector(connector, { bus: fixture.bus, deps: jobDeps(), heartbeatMs: 2000, logger: silent });
  await waitFor(() => fixture.hub.inventory.replicaCount('jobby') > 0);
  const deps = jobDeps();
  const worker = new JobWorker({ connector, deps, redisUrl: REDIS_URL, namespace, logger: silent, concurrency: 4 });
  await worker.start();
  setup = { fixture, namespace, worker, deps, service };
}

afterEach(async () => {
  await setup.worker.close(true);
  await setup.service.stop();
  await setup.fixture.stop();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${setup.namespace}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

type Task = z.infer<typeof GetTaskResultSchema>;
const callTask = (client: Client, name: string, args: Record<string, unknown>, ttl?: number) =>
  client.request({ method: 'tools/call', params: { name, arguments: args, task: ttl === undefined ? {} : { ttl } } }, CreateTaskResultSchema);
const getTask = (client: Client, taskId: string) => client.request({ method: 'tasks/get', params: { taskId } }, GetTaskResultSchema);

async function untilTask(client: Client, taskId: string, status: Task['status']): Promise<Task> {
  const until = Date.now() + 10_000;
  for (;;) {
    const task = await getTask(client, taskId);
    if (task.status === status) return task;
    if (Date.now() > until) throw new Error(`task ${taskId} never reached ${status}: ${JSON.stringify(task)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A 2026-07-28 SDK client that declares the tasks extension. */
async function client2026(url = setup.fixture.url): Promise<Client> {
  const client = new Client({ name: 'tasks-2026', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: { extensions: { [EXTENSION]: {} } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  setup.fixture.clients.push(client);
  return client;
}

/**
 * A 2026-07-28 `tools/call` declaring the extension, sent over raw HTTP: the SDK's client
 * (2.4.0) has no tasks extension and refuses a `resultType: 'task'` answer.
 */
async function call2026(name: string, args: Record<string, unknown>, extension = true, url = setup.fixture.url): Promise<Record<string, any>> {
  const meta = { ...MODERN_META, 'io.modelcontextprotocol/clientCapabilities': extension ? { extensions: { [EXTENSION]: {} } } : {} };
  const response = await send(url, { headers: { ...modernHeaders('tools/call'), 'mcp-name': name }, body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args, _meta: meta } } });
  expect(response.status).toBe(200);
  return response.messages.find((message) => message.id === 1)!;
}

const DetailedTaskSchema = z.looseObject({ taskId: z.string(), status: z.string(), ttlMs: z.number().nullable(), pollIntervalMs: z.number().optional(), result: z.any().optional() });
const get2026 = (client: Client, taskId: string) => client.request({ method: 'tasks/get', params: { taskId } }, DetailedTaskSchema);

describe('MCP Tasks over jobs, 2025-11-25 sessions', () => {
  it('declares tasks, marks job tools taskSupport optional, and serves a task from creation to result', async () => {
    await start();
    const client = await setup.fixture.client();
    expect(client.getServerCapabilities()?.tasks).toMatchObject({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
    const tools = (await client.listTools()).tools;
    expect(tools.find((tool) => tool.name === 'jobby_count_job')?.execution).toEqual({ taskSupport: 'optional' });
    expect(tools.find((tool) => tool.name === 'jobs_get')?.execution).toBeUndefined();

    const { task } = await callTask(client, 'jobby_count_job', { steps: 3, step_ms: 30 }, 30_000);
    expect(task).toMatchObject({ status: 'working', ttl: 30_000, pollInterval: 100 });
    expect(Date.parse(task.createdAt)).toBeGreaterThan(Date.now() - 5000);
    // tasks/result waits for the end, and answers what the call would have.
    const result = await client.request({ method: 'tasks/result', params: { taskId: task.taskId } }, CallToolResultSchema);
    expect(result.structuredContent).toEqual({ completed: 3, principal: 'tester' });
    expect(result._meta?.['io.modelcontextprotocol/related-task']).toEqual({ taskId: task.taskId });
    expect(await getTask(client, task.taskId)).toMatchObject({ taskId: task.taskId, status: 'completed' });
    const listed = await client.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema);
    expect(listed.tasks.map((t) => t.taskId)).toContain(task.taskId);
  });

  it('tells the session when its task ends (notifications/tasks/status)', async () => {
    await start();
    const client = await setup.fixture.client();
    const statuses: Array<{ taskId: string; status: string }> = [];
    client.setNotificationHandler('notifications/tasks/status', { params: TaskStatusNotificationSchema.shape.params }, (params) => void statuses.push(params));
    const { task } = await callTask(client, 'jobby_count_job', { steps: 2, step_ms: 20 });
    await waitFor(() => statuses.length > 0, 5000, 'the status notification');
    expect(statuses).toEqual([expect.objectContaining({ taskId: task.taskId, status: 'completed' })]);
  });

  it('shows a task to its creator and to an admin only; nobody else can read, list or cancel it', async () => {
    await start();
    const client = await setup.fixture.client();
    const { task } = await callTask(client, 'jobby_count_job', { steps: 50, step_ms: 20 });
    const mallory = await setup.fixture.client('2025', await setup.fixture.addFront({ id: 'mallory', scopes: ['*'] }));
    await expect(getTask(mallory, task.taskId)).rejects.toThrow(/Task not found/);
    await expect(mallory.request({ method: 'tasks/result', params: { taskId: task.taskId } }, CallToolResultSchema)).rejects.toThrow(/Task not found/);
    await expect(mallory.request({ method: 'tasks/cancel', params: { taskId: task.taskId } }, CancelTaskResultSchema)).rejects.toThrow(/Task not found/);
    expect((await mallory.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema)).tasks).toEqual([]);
    expect((await getTask(client, task.taskId)).status).toBe('working');

    const admin = await setup.fixture.client('2025', await setup.fixture.addFront({ id: 'root', scopes: ['*', 'role:admin'] }));
    expect((await getTask(admin, task.taskId)).taskId).toBe(task.taskId);
    expect(await admin.request({ method: 'tasks/cancel', params: { taskId: task.taskId } }, CancelTaskResultSchema)).toMatchObject({ status: 'cancelled' });
  });

  it('tasks/cancel stops the running job; an ended task cannot be cancelled again', async () => {
    await start();
    const client = await setup.fixture.client();
    const { task } = await callTask(client, 'jobby_count_job', { steps: 500, step_ms: 20 });
    await waitFor(() => setup.deps.started.includes(task.taskId), 5000, 'the job to start');
    const cancelled = await client.request({ method: 'tasks/cancel', params: { taskId: task.taskId } }, CancelTaskResultSchema);
    expect(cancelled.status).toBe('cancelled');
    await waitFor(() => setup.deps.aborted.includes(task.taskId), 5000, 'the handler to be aborted');
    expect(setup.deps.completed).toEqual([]);
    expect((await getTask(client, task.taskId)).status).toBe('cancelled');
    const result = await client.request({ method: 'tasks/result', params: { taskId: task.taskId } }, CallToolResultSchema);
    expect(result.isError).toBe(true);
    await expect(client.request({ method: 'tasks/cancel', params: { taskId: task.taskId } }, CancelTaskResultSchema)).rejects.toThrow(/terminal status 'cancelled'/);
  });

  it('a job that fails is a failed task whose result is the tool error', async () => {
    await start();
    const client = await setup.fixture.client();
    const { task } = await callTask(client, 'jobby_flaky_job', { kind: 'forbidden', failures: 1 });
    const failed = await untilTask(client, task.taskId, 'failed');
    expect(failed.statusMessage).toContain('attempt 1 failed (forbidden)');
    const result = await client.request({ method: 'tasks/result', params: { taskId: task.taskId } }, CallToolResultSchema);
    expect(result).toMatchObject({ isError: true });
  });

  it('refuses a task for a tool that does not run as a job (-32601), and for an unknown tool (-32602)', async () => {
    await start();
    await setup.fixture.addConnector('echo');
    const client = await setup.fixture.client();
    await expect(callTask(client, 'echo_echo', { text: 'hi' })).rejects.toMatchObject({ code: -32601 });
    await expect(callTask(client, 'jobs_get', { jobId: 'x' })).rejects.toMatchObject({ code: -32601 });
    await expect(callTask(client, 'nope_nothing', {})).rejects.toMatchObject({ code: -32602 });
    // Refused before any job: the plain tool error, no task.
    const invalid = await client.request({ method: 'tools/call', params: { name: 'jobby_count_job', arguments: { steps: -1 }, task: {} } }, CallToolResultSchema);
    expect(invalid.isError).toBe(true);
  });

  it('cuts a ttl to the hub bounds and forgets a task once its ttl has passed', async () => {
    await start({ minTtlMs: 300, maxTtlMs: 60_000 });
    const client = await setup.fixture.client();
    expect((await callTask(client, 'jobby_count_job', { steps: 1, step_ms: 5 }, 10 * 86_400_000)).task.ttl).toBe(60_000);
    const { task } = await callTask(client, 'jobby_count_job', { steps: 1, step_ms: 5 }, 1);
    expect(task.ttl).toBe(300);
    await untilTask(client, task.taskId, 'completed');
    await new Promise((r) => setTimeout(r, 350));
    await expect(getTask(client, task.taskId)).rejects.toThrow(/Task not found/);
    expect((await client.request({ method: 'tasks/list', params: {} }, ListTasksResultSchema)).tasks.map((t) => t.taskId)).not.toContain(task.taskId);
  });
});

describe('MCP Tasks over jobs, the 2026-07-28 extension', () => {
  it('answers a job tool with a task when the request declares the extension, then tasks/get carries the result', async () => {
    await start();
    const created = await call2026('jobby_count_job', { steps: 2, step_ms: 20 });
    expect(created.result).toMatchObject({ resultType: 'task', status: 'working', ttlMs: 60_000, pollIntervalMs: 100 });
    const taskId = created.result.taskId as string;
    const client = await client2026();
    expect(client.getServerCapabilities()?.extensions?.[EXTENSION]).toEqual({});
    const until = Date.now() + 10_000;
    let task = await get2026(client, taskId);
    while (task.status === 'working' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      task = await get2026(client, taskId);
    }
    expect(task).toMatchObject({ status: 'completed', result: { structuredContent: { completed: 2, principal: 'tester' } } });
    expect(await client.request({ method: 'tasks/update', params: { taskId, inputResponses: { nothing: { action: 'accept' } } } }, z.object({}))).toEqual({});
    // The extension has no tasks/list or tasks/result (the SDK's client will not even send them on this era).
    for (const method of ['tasks/list', 'tasks/result']) {
      const response = await send(setup.fixture.url, { headers: modernHeaders(method), body: { jsonrpc: '2.0', id: 2, method, params: { taskId, _meta: MODERN_META } } });
      expect(response.messages[0]?.error?.code).toBe(-32601);
    }
  });

  it('answers with the plain result when the request does not declare the extension', async () => {
    await start();
    const plain = await call2026('jobby_count_job', { steps: 1, step_ms: 5 }, false);
    expect(plain.result.resultType).toBe('complete');
    expect(JSON.stringify(plain.result.content)).toContain('jobs://');
  });

  it('tasks/cancel stops the job and acknowledges; another principal cannot see or cancel it', async () => {
    await start();
    const taskId = (await call2026('jobby_count_job', { steps: 500, step_ms: 20 })).result.taskId as string;
    await waitFor(() => setup.deps.started.includes(taskId), 5000, 'the job to start');
    const mallory = await client2026(await setup.fixture.addFront({ id: 'mallory', scopes: ['*'] }));
    await expect(get2026(mallory, taskId)).rejects.toThrow(/Task not found/);
    await expect(mallory.request({ method: 'tasks/cancel', params: { taskId } }, z.object({}))).rejects.toThrow(/Task not found/);
    await expect(mallory.request({ method: 'tasks/update', params: { taskId, inputResponses: {} } }, z.object({}))).rejects.toThrow(/Task not found/);
    const client = await client2026();
    expect(await client.request({ method: 'tasks/cancel', params: { taskId } }, z.object({}))).toEqual({});
    await waitFor(() => setup.deps.aborted.includes(taskId), 5000, 'the handler to be aborted');
    expect((await get2026(client, taskId)).status).toBe('cancelled');
  });

  it('a failed job is a completed task whose result is the tool error (failed is for JSON-RPC errors)', async () => {
    await start();
    const taskId = (await call2026('jobby_flaky_job', { kind: 'invalid_arguments', failures: 1 })).result.taskId as string;
    const client = await client2026();
    await waitFor(() => setup.deps.attempts.get(taskId) === 1, 5000, 'the attempt');
    let task = await get2026(client, taskId);
    for (let i = 0; i < 100 && task.status === 'working'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      task = await get2026(client, taskId);
    }
    expect(task).toMatchObject({ status: 'completed', result: { isError: true } });
  });
});

describe('notifications/cancelled for a job call', () => {
  it('a 2026-07-28 client cancelling its waiting call cancels the job', async () => {
    await start();
    const client = await setup.fixture.client('2026');
    const controller = new AbortController();
    const call = client.callTool({ name: 'jobby_count_job', arguments: { steps: 500, step_ms: 20 } }, { signal: controller.signal, onprogress: () => controller.abort() });
    await expect(call).rejects.toThrow();
    await waitFor(() => setup.deps.aborted.length === 1, 5000, 'the handler to be aborted');
    expect(setup.deps.completed).toEqual([]);
  });
});
