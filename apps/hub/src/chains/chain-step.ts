import { RETRY_AFTER_META_KEY, type Principal, type ToolResult } from '@mcp-hub/connector-contract';
import { ChainExpressionError, type ChainScope } from './chain-expression';
import type { PlannedStep, StepOutcome } from './chain-plan';

/** How a chain calls a tool: the hub's own `callTool`, as the chain's caller. */
export type ChainToolInvoker = (name: string, args: Record<string, unknown>, options: { principal: Principal; signal?: AbortSignal }) => Promise<ToolResult>;

/** Longest error text kept from a failed step. */
const MAX_MESSAGE_CHARS = 1000;
/**
 * Largest result a step passes on, as JSON (UTF-16 code units, near bytes for the ASCII that JSON
 * mostly is): results are kept in Redis and copied into the jobs of the steps that read them.
 */
export const MAX_STEP_RESULT_CHARS = 1024 * 1024;
/** Longest wait between two attempts, whatever the backoff or the tool's retry-after says. */
const MAX_RETRY_WAIT_MS = 60_000;

/** The step's scope: the chain's input and the results of the steps it needs (and only those). */
export function stepScope(step: PlannedStep, input: Record<string, unknown>, outcomes: ReadonlyMap<string, StepOutcome>): ChainScope {
  const steps: Record<string, unknown> = {};
  for (const id of step.needs) {
    const outcome = outcomes.get(id);
    if (outcome?.status === 'ok') steps[id] = outcome.value;
  }
  return { input, steps };
}

/**
 * Runs one step as the chain's caller: its condition, its arguments, then the tool through the
 * hub's invoker (so scopes, policy, approvals, rate limits and audit apply as to a call the model
 * made), with the step's retries while the tool answers with an error. Never throws for what the
 * step did: the outcome says it. A cancel (`signal`) ends it as failed.
 */
export async function runChainStep(step: PlannedStep, scope: ChainScope, principal: Principal, invoke: ChainToolInvoker, signal: AbortSignal): Promise<StepOutcome> {
  let args: Record<string, unknown>;
  try {
    if (step.when && !truthy(await step.when.evaluate(scope))) return { status: 'skipped' };
    args = await evaluateArguments(step, scope);
  } catch (error) {
    if (error instanceof ChainExpressionError) return { status: 'failed', message: error.message };
    throw error;
  }
  let last = '';
  for (let attempt = 1; attempt <= step.retry.attempts; attempt++) {
    if (signal.aborted) return { status: 'failed', message: 'the chain was cancelled' };
    let result: ToolResult;
    try {
      result = await invoke(step.tool, args, { principal, signal });
    } catch (error) {
      // The hub throws for a tool the caller may not see or that does not exist: no retry makes it appear.
      return { status: 'failed', message: truncate((error as Error).message ?? 'the call failed') };
    }
    if (!result.isError) {
      const value = valueOf(result);
      if (JSON.stringify(value).length > MAX_STEP_RESULT_CHARS) return { status: 'failed', message: `its result is larger than the ${MAX_STEP_RESULT_CHARS / 1024} KiB a chain passes between steps: narrow the call` };
      return { status: 'ok', value };
    }
    last = textOf(result) || 'the tool answered with an error';
    if (attempt < step.retry.attempts) {
      const retryAfter = result._meta?.[RETRY_AFTER_META_KEY];
      const wait = Math.min(MAX_RETRY_WAIT_MS, Math.max(step.retry.backoffMs * 2 ** (attempt - 1), typeof retryAfter === 'number' ? retryAfter : 0));
      if (!(await sleep(wait, signal))) return { status: 'failed', message: 'the chain was cancelled' };
    }
  }
  return { status: 'failed', message: truncate(step.retry.attempts > 1 ? `${last} (after ${step.retry.attempts} attempts)` : last) };
}

async function evaluateArguments(step: PlannedStep, scope: ChainScope): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of step.arguments) {
    const evaluated = value !== null && typeof value === 'object' ? await value.evaluate(scope) : value;
    // An expression with nothing to read (a skipped step, a missing field) leaves the argument out, as JSON would.
    if (evaluated !== undefined) args[key] = evaluated;
  }
  return args;
}

/** What later steps read of a result: its structured content, or its text as `{ text }`. */
function valueOf(result: ToolResult): unknown {
  return result.structuredContent ?? { text: textOf(result) };
}

function textOf(result: ToolResult): string {
  return result.content
    .map((block) => (block.type === 'text' ? block.text : ''))
    .filter(Boolean)
    .join('\n');
}

/** JSONata's own truthiness, as its conditions use it: empty strings, zero, false, null, empty arrays and absent values are false. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(truthy);
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/** Waits `ms`; false when `signal` aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
