import { ConnectorHarness } from './connector-harness';
import { createEchoConnector, type EchoDeps } from './echo-connector';

describe('ConnectorHarness', () => {
  let harness: ConnectorHarness<EchoDeps>;
  beforeEach(async () => {
    harness = await ConnectorHarness.start<EchoDeps>(createEchoConnector(), { aborted: [] });
  });
  afterEach(() => harness.stop());

  it('records the resources a call announced as updated, in order, by the time the call resolves', async () => {
    await harness.callTool('touch', { uri: 'echo://items/a' });
    expect(harness.resourceUpdates).toEqual(['echo://items/a']);
    await harness.callTool('touch', { uri: 'echo://items/b' });
    await harness.callTool('echo', { text: 'no update' });
    expect(harness.resourceUpdates).toEqual(['echo://items/a', 'echo://items/b']);
  });

  it('asks for progress only when told to, and keeps each call’s progress apart', async () => {
    const [first, second] = await Promise.all([
      harness.callToolOutcome('slow', { steps: 3, step_ms: 5 }, { progress: true }),
      harness.callToolOutcome('slow', { steps: 2, step_ms: 7 }, { progress: true }),
    ]);
    expect(first.progress).toEqual([1, 2, 3].map((i) => ({ progress: i, total: 3, message: `step ${i} of 3` })));
    expect(second.progress.map((p) => p.progress)).toEqual([1, 2]);
    expect(harness.progressOf(first.invocationId)).toBe(first.progress);
    const unasked = await harness.callToolOutcome('slow', { steps: 2, step_ms: 5 });
    expect(unasked.progress).toEqual([]);
  });

  it('returns an error reply as an outcome instead of throwing, and logs every reply’s kind', async () => {
    const failed = await harness.callToolOutcome('fail', { kind: 'conflict' });
    expect(failed).toMatchObject({ ok: false, error: { status: 'error', kind: 'conflict', message: 'failure of kind conflict' } });
    const served = await harness.callToolOutcome('echo', { text: 'hi' });
    expect(served).toMatchObject({ ok: true, result: { structuredContent: { text: 'hi' } } });
    await expect(harness.callTool('crash', {})).rejects.toMatchObject({ reply: { kind: 'internal' } });
    await expect(harness.readResource('echo://nothing')).rejects.toMatchObject({ reply: { kind: 'not_found' } });
    await harness.getPrompt('greet', { name: 'Ada' });
    expect(harness.replies.map(({ operation, name, status, kind }) => ({ operation, name, status, kind }))).toEqual([
      { operation: 'tool', name: 'fail', status: 'error', kind: 'conflict' },
      { operation: 'tool', name: 'echo', status: 'ok', kind: undefined },
      { operation: 'tool', name: 'crash', status: 'error', kind: 'internal' },
      { operation: 'resource', name: 'echo://nothing', status: 'error', kind: 'not_found' },
      { operation: 'prompt', name: 'greet', status: 'ok', kind: undefined },
    ]);
    expect(harness.errorKinds).toEqual(['conflict', 'internal', 'not_found']);
  });
});
