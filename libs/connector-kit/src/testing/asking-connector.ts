import { z } from 'zod';
import { ClientRequestFailed } from '../client-request-failed';
import { defineConnector } from '../define-connector';
import { defineTool } from '../define-tool';
import { ToolError } from '../tool-error';
import { sleep } from './echo-connector';

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: false, openWorldHint: false };

/** What the asking connector saw: each failed server-to-client request, with its reason. */
export interface AskingDeps {
  failures: Array<{ invocationId: string; reason: string }>;
  /** Invocation ids of the calls that asked something, as they asked. */
  asking: string[];
}

/**
 * A connector whose tools ask the MCP client (elicitation, sampling, roots): for kit and hub
 * tests of server-to-client requests. Failures are recorded in `deps.failures`, then thrown
 * (the model reads them) unless the tool was asked to report them as its result.
 */
export function createAskingConnector(id = 'asking') {
  async function recorded<T>(ctx: { invocationId: string }, deps: AskingDeps, work: () => Promise<T>): Promise<T> {
    deps.asking.push(ctx.invocationId);
    try {
      return await work();
    } catch (error) {
      if (error instanceof ClientRequestFailed) deps.failures.push({ invocationId: ctx.invocationId, reason: error.reason });
      throw error;
    }
  }
  return defineConnector<AskingDeps>({
    id,
    version: '1.0.0',
    title: 'Asking',
    description: 'Test connector that asks the client',
    tools: [
      defineTool({
        name: 'ask_person',
        description: 'Asks the person to confirm; with report_failure, says why it could not ask instead of failing.',
        input: z.object({
          message: z.string().min(1).max(500),
          report_failure: z.boolean().default(false),
          /** Works this long after the answer (ms), honouring cancellation: a round that outlives the question. */
          then_wait_ms: z.number().int().min(0).max(60_000).default(0),
        }),
        output: z.object({ action: z.string().optional(), confirm: z.boolean().optional(), failure: z.string().optional() }),
        annotations: readOnly,
        handler: async ({ message, report_failure: reportFailure, then_wait_ms: thenWaitMs }, ctx, deps) => {
          try {
            const answer = await recorded(ctx, deps, () =>
              ctx.elicit({ message, requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean', title: 'Confirm' } }, required: ['confirm'] } }),
            );
            if (thenWaitMs > 0) {
              try {
                await sleep(thenWaitMs, ctx.signal);
              } catch (error) {
                const why = ctx.signal.reason instanceof ToolError ? ctx.signal.reason.kind : 'stopped';
                deps.failures.push({ invocationId: ctx.invocationId, reason: `${why} after the answer` });
                throw error;
              }
            }
            const confirm = z.object({ confirm: z.boolean() }).safeParse(answer.content);
            const structured = { action: answer.action, ...(confirm.success && { confirm: confirm.data.confirm }) };
            return { structured, text: JSON.stringify(structured) };
          } catch (error) {
            if (!(reportFailure && error instanceof ClientRequestFailed)) throw error;
            return { structured: { failure: error.reason }, text: `could not ask: ${error.reason}` };
          }
        },
      }),
      defineTool({
        name: 'ask_model',
        description: "Asks the client's model to answer a question (sampling).",
        input: z.object({ question: z.string().min(1).max(500) }),
        output: z.object({ answer: z.string(), model: z.string() }),
        annotations: readOnly,
        handler: async ({ question }, ctx, deps) => {
          const reply = await recorded(ctx, deps, () => ctx.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: question } }], maxTokens: 100 }));
          const answer = reply.content.type === 'text' ? String(reply.content.text) : `(${reply.content.type})`;
          return { structured: { answer, model: reply.model }, text: answer };
        },
      }),
      defineTool({
        name: 'client_roots',
        description: "Lists the client's roots.",
        input: z.object({}),
        output: z.object({ uris: z.array(z.string()) }),
        annotations: readOnly,
        handler: async (_args, ctx, deps) => {
          const { roots } = await recorded(ctx, deps, () => ctx.listRoots());
          const uris = roots.map((root) => root.uri);
          return { structured: { uris }, text: uris.join('\n') };
        },
      }),
    ],
  });
}
