import { z } from 'zod';
import { defineConnector } from '../define-connector';
import { definePrompt } from '../define-prompt';
import { defineResource, defineResourceTemplate } from '../define-resource';
import { defineTool } from '../define-tool';
import { ToolError } from '../tool-error';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function slowTool(name: string, description: string, annotations: typeof readOnly) {
  return defineTool({
    name,
    description,
    input: z.object({ steps: z.number().int().min(1).max(1000), step_ms: z.number().int().min(1).max(60_000) }),
    output: z.object({ completed: z.number() }),
    annotations,
    handler: async ({ steps, step_ms: stepMs }, ctx, deps: EchoDeps) => {
      try {
        for (let i = 1; i <= steps; i++) {
          await sleep(stepMs, ctx.signal);
          ctx.progress(i, steps, `step ${i} of ${steps}`);
        }
      } catch (error) {
        deps.aborted.push(ctx.invocationId);
        throw error;
      }
      return { structured: { completed: steps }, text: `completed ${steps} steps` };
    },
  });
}

/** Observations the echo connector records, so tests can see what reached the handler. */
export interface EchoDeps {
  aborted: string[];
}

/**
 * A small connector exercising every kit feature: for kit, hub and benchmark tests. Its id is
 * configurable so that tests can run several side by side.
 */
export function createEchoConnector(id = 'echo') {
  return defineConnector<EchoDeps>({
    id,
    version: '1.0.0',
    title: 'Echo',
    description: 'Test connector',
    tools: [
      defineTool({
        name: 'echo',
        description: 'Returns its text.',
        input: z.object({ text: z.string().max(10_000) }),
        output: z.object({ text: z.string() }),
        annotations: readOnly,
        handler: async ({ text }) => ({ structured: { text }, text }),
      }),
      slowTool('slow', 'Counts to `steps`, one step every `step_ms`, reporting progress; honours cancellation.', readOnly),
      slowTool('slow_once', 'Like slow, but declared not idempotent: the hub must never send it twice.', {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: false,
      }),
      defineTool({
        name: 'fail',
        description: 'Always fails with a tool error the model can act on.',
        input: z.object({ kind: z.enum(['not_found', 'conflict', 'rate_limited']).default('not_found') }),
        output: z.object({}),
        annotations: readOnly,
        handler: async ({ kind }) => {
          throw new ToolError(kind, `failure of kind ${kind}`, kind === 'rate_limited' ? 1500 : undefined);
        },
      }),
      defineTool({
        name: 'crash',
        description: 'Throws an unexpected error (a bug), whose details must not reach the model.',
        input: z.object({}),
        output: z.object({}),
        annotations: readOnly,
        handler: async () => {
          throw new Error('database password=hunter2 at /srv/app.js:42');
        },
      }),
      defineTool({
        name: 'whoami',
        description: 'Returns the principal the hub sent.',
        input: z.object({}),
        output: z.object({ id: z.string(), scopes: z.array(z.string()), roles: z.array(z.string()).optional() }),
        annotations: readOnly,
        handler: async (_args, ctx) => ({ structured: { ...ctx.principal }, text: ctx.principal.id }),
      }),
      defineTool({
        name: 'touch',
        description: 'Announces that a resource changed.',
        input: z.object({ uri: z.string() }),
        output: z.object({ uri: z.string() }),
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
        handler: async ({ uri }, ctx) => {
          ctx.resourceUpdated(uri);
          return { structured: { uri }, text: `touched ${uri}` };
        },
      }),
    ],
    resources: [
      defineResource({
        uri: `${id}://status`,
        name: 'status',
        mimeType: 'application/json',
        read: async () => [{ uri: `${id}://status`, mimeType: 'application/json', text: '{"ok":true}' }],
      }),
    ],
    resourceTemplates: [
      defineResourceTemplate({
        uriTemplate: `${id}://items/{name}`,
        name: 'item',
        mimeType: 'text/plain',
        read: async ({ name }, uri) => [{ uri, mimeType: 'text/plain', text: `item ${name}` }],
        complete: { name: async (value) => ['alpha', 'beta', 'gamma'].filter((v) => v.startsWith(value)) },
      }),
    ],
    prompts: [
      definePrompt({
        name: 'greet',
        description: 'Greets someone.',
        arguments: z.object({ name: z.string().min(1), tone: z.string().optional() }),
        render: async ({ name, tone }) => ({
          messages: [{ role: 'user', content: { type: 'text', text: `Say hello to ${name}${tone ? ` in a ${tone} tone` : ''}.` } }],
        }),
        complete: { tone: async (value) => ['warm', 'formal'].filter((v) => v.startsWith(value)) },
      }),
    ],
  });
}
