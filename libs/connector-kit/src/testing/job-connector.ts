import { z } from 'zod';
import { defineConnector } from '../define-connector';
import { defineTool } from '../define-tool';
import { ToolError } from '../tool-error';
import { sleep } from './echo-connector';

/** What one worker's handlers record (one object per worker, so a test sees which worker did what). */
export interface JobDeps {
  started: string[];
  completed: string[];
  aborted: string[];
  /** Attempts per job id (`flaky_job`). */
  attempts: Map<string, number>;
  /** When set, `count_job` waits on it before its first step: a worker that hangs (or is killed) mid-job. */
  hold?: Promise<void>;
  /** `count_job`s running now, and the most that ran at once (a concurrency limit's check). */
  inFlight: number;
  peakInFlight: number;
}

export function jobDeps(hold?: Promise<void>): JobDeps {
  return { started: [], completed: [], aborted: [], attempts: new Map(), inFlight: 0, peakInFlight: 0, ...(hold && { hold }) };
}

const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** A connector whose tools run as jobs (issue 15): for kit and hub tests of the BullMQ runner. */
export function createJobConnector(id = 'jobby') {
  return defineConnector<JobDeps>({
    id,
    version: '1.0.0',
    title: 'Jobby',
    description: 'Test connector with job tools',
    tools: [
      defineTool({
        name: 'count_job',
        description: 'Counts to `steps`, one step every `step_ms`, reporting progress; honours cancellation.',
        input: z.object({ steps: z.number().int().min(1).max(1000), step_ms: z.number().int().min(1).max(60_000) }),
        output: z.object({ completed: z.number(), principal: z.string() }),
        annotations,
        execution: 'job',
        handler: async ({ steps, step_ms: stepMs }, ctx, deps: JobDeps) => {
          deps.started.push(ctx.jobId ?? ctx.invocationId);
          deps.peakInFlight = Math.max(deps.peakInFlight, ++deps.inFlight);
          try {
            if (deps.hold) await deps.hold;
            for (let i = 1; i <= steps; i++) {
              await sleep(stepMs, ctx.signal);
              ctx.progress(i, steps, `step ${i} of ${steps}`);
            }
          } catch (error) {
            deps.aborted.push(ctx.jobId ?? ctx.invocationId);
            throw error;
          } finally {
            deps.inFlight--;
          }
          deps.completed.push(ctx.jobId ?? ctx.invocationId);
          return { structured: { completed: steps, principal: ctx.principal.id }, text: `counted to ${steps}` };
        },
      }),
      defineTool({
        name: 'flaky_job',
        description: 'Fails with `kind` on its first `failures` attempts, then succeeds.',
        input: z.object({ kind: z.enum(['upstream', 'rate_limited', 'forbidden', 'unauthorized', 'invalid_arguments']), failures: z.number().int().min(0).max(10) }),
        output: z.object({ attempts: z.number() }),
        annotations,
        execution: 'job',
        handler: async ({ kind, failures }, ctx, deps: JobDeps) => {
          const attempt = (deps.attempts.get(ctx.jobId ?? ctx.invocationId) ?? 0) + 1;
          deps.attempts.set((ctx.jobId ?? ctx.invocationId), attempt);
          if (attempt <= failures) throw new ToolError(kind, `attempt ${attempt} failed (${kind})`);
          return { structured: { attempts: attempt }, text: `succeeded on attempt ${attempt}` };
        },
      }),
    ],
  });
}
