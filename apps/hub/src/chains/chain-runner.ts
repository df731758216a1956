import type { Principal } from '@mcp-hub/connector-contract';
import type { ChainPlan, StepOutcome } from './chain-plan';
import type { ChainToolInvoker } from './chain-step';

/** How a chain run ended. `step` names the step that failed; `cancelled` is a cancel (the caller's, or `jobs_cancel`-like). */
export type ChainRunResult = { ok: true; output: unknown } | { ok: false; message: string; step?: string; cancelled?: boolean };

export interface ChainRunOptions {
  principal: Principal;
  /** Aborting it cancels the chain: no further step starts, running ones are told to stop. */
  signal?: AbortSignal;
  /** Told each time a step ends. */
  onStep?: (step: string, outcome: StepOutcome) => void;
}

/**
 * Runs chains wave by wave (see {@link ChainPlan}). Two implementations with one behaviour:
 * `InProcessChainRunner` (the embedded mode) and `BullChainRunner` (a BullMQ flow per run, which
 * survives a hub restart).
 */
export interface ChainRunner {
  /** Starts serving chains: `invoke` is the hub's own tool call, `plans` every defined chain. */
  start(invoke: ChainToolInvoker, plans: ReadonlyMap<string, ChainPlan>): Promise<void>;
  run(plan: ChainPlan, input: Record<string, unknown>, options: ChainRunOptions): Promise<ChainRunResult>;
  close(): Promise<void>;
}

/** The first failed step in the chain's order, as the error the caller reads. */
export function firstFailure(plan: ChainPlan, outcomes: ReadonlyMap<string, StepOutcome>): { step: string; message: string } | undefined {
  for (const step of plan.steps) {
    const outcome = outcomes.get(step.id);
    if (outcome?.status === 'failed') return { step: step.id, message: `step "${step.id}" (${step.tool}) failed: ${outcome.message}` };
  }
  return undefined;
}

/** The chain's result once every step has ended: its `output` expression, or every step's result by id. */
export async function chainOutput(plan: ChainPlan, input: Record<string, unknown>, outcomes: ReadonlyMap<string, StepOutcome>): Promise<unknown> {
  const steps: Record<string, unknown> = {};
  for (const [id, outcome] of outcomes) if (outcome.status === 'ok') steps[id] = outcome.value;
  return plan.output ? plan.output.evaluate({ input, steps }) : steps;
}
