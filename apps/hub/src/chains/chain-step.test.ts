import type { ToolResult } from '@mcp-hub/connector-contract';
import { compileChains } from './chain-plan';
import { MAX_STEP_RESULT_CHARS, runChainStep, type ChainToolInvoker } from './chain-step';

const principal = { id: 'ada', scopes: ['*'] };

function planOf(step: Record<string, unknown>) {
  return compileChains({ c: { description: 'd', inputSchema: { type: 'object' }, steps: [step] } }).get('c')!.steps[0]!;
}

function scripted(results: ToolResult[], calls: Array<Record<string, unknown>> = []): ChainToolInvoker {
  return async (_name, args) => {
    calls.push(args);
    return results.shift() ?? { content: [{ type: 'text', text: 'no more results' }], isError: true };
  };
}

describe('one chain step', () => {
  const signal = new AbortController().signal;

  it('evaluates its arguments, leaving out those that evaluate to nothing', async () => {
    const calls: Array<Record<string, unknown>> = [];
    const step = planOf({ id: 's', tool: 't_x', arguments: { a: 'input.a', b: 'input.missing', n: 3, flag: false } });
    const outcome = await runChainStep(step, { input: { a: [1, 2] }, steps: {} }, principal, scripted([{ content: [{ type: 'text', text: 'plain' }] }], calls), signal);
    expect(calls).toEqual([{ a: [1, 2], n: 3, flag: false }]);
    expect(outcome).toEqual({ status: 'ok', value: { text: 'plain' } });
  });

  it('waits between retries at least as long as the tool\'s retry-after says, and gives up after its attempts', async () => {
    const step = planOf({ id: 's', tool: 't_x', retry: { attempts: 2, backoffMs: 1 } });
    const limited: ToolResult = { content: [{ type: 'text', text: 'slow down' }], isError: true, _meta: { 'mcphub/retryAfterMs': 150 } };
    const started = Date.now();
    const outcome = await runChainStep(step, { input: {}, steps: {} }, principal, scripted([limited, limited]), signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(outcome).toEqual({ status: 'failed', message: 'slow down (after 2 attempts)' });
  });

  it('fails a step whose result is too large to pass on, and one whose expression fails', async () => {
    const big: ToolResult = { content: [{ type: 'text', text: 'x' }], structuredContent: { blob: 'y'.repeat(MAX_STEP_RESULT_CHARS) } };
    const outcome = await runChainStep(planOf({ id: 's', tool: 't_x' }), { input: {}, steps: {} }, principal, scripted([big]), signal);
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringMatching(/larger than the 1024 KiB/) });
    const failing = planOf({ id: 's', tool: 't_x', arguments: { a: "$number('not a number') + 1" } });
    const calls: Array<Record<string, unknown>> = [];
    expect(await runChainStep(failing, { input: {}, steps: {} }, principal, scripted([], calls), signal)).toMatchObject({ status: 'failed', message: expect.stringMatching(/failed: /) });
    expect(calls).toEqual([]);
  });

  it('starts nothing once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const calls: Array<Record<string, unknown>> = [];
    expect(await runChainStep(planOf({ id: 's', tool: 't_x' }), { input: {}, steps: {} }, principal, scripted([], calls), controller.signal)).toEqual({ status: 'failed', message: 'the chain was cancelled' });
    expect(calls).toEqual([]);
  });
});
