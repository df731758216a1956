import { ChainExpressionError } from './chain-expression';
import type { ChainPlan, StepOutcome } from './chain-plan';
import { chainOutput, firstFailure, type ChainRunOptions, type ChainRunResult, type ChainRunner } from './chain-runner';
import { runChainStep, stepScope, type ChainToolInvoker } from './chain-step';

/**
 * Runs chains in this process (the embedded mode), with the semantics of `BullChainRunner` but
 * no persistence: a chain running when the process stops is lost.
 * TODO(#15): resume after a restart in the embedded mode, on the SQLite job runner once it exists.
 */
export class InProcessChainRunner implements ChainRunner {
  private invoke?: ChainToolInvoker;

  async start(invoke: ChainToolInvoker): Promise<void> {
    this.invoke = invoke;
  }

  async run(plan: ChainPlan, input: Record<string, unknown>, options: ChainRunOptions): Promise<ChainRunResult> {
    const invoke = this.invoke;
    if (!invoke) throw new Error('chain runner not started');
    const signal = options.signal ?? new AbortController().signal;
    const outcomes = new Map<string, StepOutcome>();
    for (;;) {
      if (signal.aborted) return { ok: false, cancelled: true, message: 'The chain was cancelled.' };
      const failure = firstFailure(plan, outcomes);
      if (failure) return { ok: false, ...failure };
      const wave = plan.nextWave(outcomes);
      if (wave.length === 0) break;
      const ended = await Promise.all(
        wave.map(async (step) => {
          const outcome = await runChainStep(step, stepScope(step, input, outcomes), options.principal, invoke, signal);
          options.onStep?.(step.id, outcome);
          return [step.id, outcome] as const;
        }),
      );
      for (const [id, outcome] of ended) outcomes.set(id, outcome);
    }
    try {
      return { ok: true, output: await chainOutput(plan, input, outcomes) };
    } catch (error) {
      if (error instanceof ChainExpressionError) return { ok: false, message: `the chain's output failed: ${error.message}` };
      throw error;
    }
  }

  async close(): Promise<void> {
    this.invoke = undefined;
  }
}
