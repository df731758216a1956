import { ConnectorHarness } from './connector-harness';
import { createAskingConnector, type AskingDeps } from './asking-connector';

describe('server-to-client requests through the harness', () => {
  let harness: ConnectorHarness<AskingDeps>;
  let deps: AskingDeps;
  beforeEach(async () => {
    deps = { failures: [], asking: [] };
    harness = await ConnectorHarness.start<AskingDeps>(createAskingConnector(), deps);
  });
  afterEach(() => harness.stop());

  it('hands the handler the scripted answers in order, and records what it asked', async () => {
    const client = { elicit: [{ action: 'accept' as const, content: { confirm: true } }, { action: 'decline' as const }] };
    const accepted = await harness.callTool('ask_person', { message: 'Delete ticket 7?' }, { client });
    expect(accepted.structuredContent).toEqual({ action: 'accept', confirm: true });
    const declined = await harness.callTool('ask_person', { message: 'Delete ticket 8?' }, { client });
    expect(declined.structuredContent).toEqual({ action: 'decline' });
    expect(harness.clientRequests.map((r) => r.request)).toEqual([
      expect.objectContaining({ method: 'elicitation/create', params: expect.objectContaining({ message: 'Delete ticket 7?' }) }),
      expect.objectContaining({ method: 'elicitation/create', params: expect.objectContaining({ message: 'Delete ticket 8?' }) }),
    ]);
  });

  it('answers sampling and roots from functions of the request', async () => {
    const client = {
      createMessage: (params: { messages: Array<{ content: { type: string; text?: unknown } }> }) => ({
        role: 'assistant' as const,
        content: { type: 'text' as const, text: `echo: ${String(params.messages[0]?.content.text)}` },
        model: 'scripted-1',
      }),
      listRoots: () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }),
    };
    expect((await harness.callTool('ask_model', { question: 'why?' }, { client })).structuredContent).toEqual({ answer: 'echo: why?', model: 'scripted-1' });
    expect((await harness.callTool('client_roots', {}, { client })).structuredContent).toEqual({ uris: ['file:///work'] });
  });

  it('fails with capability_missing, without asking, when the client did not declare the capability', async () => {
    const reported = await harness.callTool('ask_person', { message: 'Sure?', report_failure: true }, { client: { listRoots: [] } });
    expect(reported.structuredContent).toEqual({ failure: 'capability_missing' });
    const outcome = await harness.callToolOutcome('ask_model', { question: 'x' });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'upstream', message: 'The client did not declare the sampling capability.' } });
    expect(harness.clientRequests).toEqual([]);
  });

  it('gives up at the call deadline with reason timeout when the person never answers', async () => {
    const outcome = await harness.callToolOutcome('ask_person', { message: 'Sure?' }, { client: { elicit: [], hang: true }, timeoutMs: 300 });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(deps.failures.map((f) => f.reason)).toEqual(['timeout']);
  });

  it('abandons the question when the call is cancelled', async () => {
    const controller = new AbortController();
    const call = harness.callToolOutcome('ask_person', { message: 'Sure?' }, { client: { elicit: [], hang: true }, signal: controller.signal, timeoutMs: 5000 });
    while (harness.clientRequests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    await expect(call).resolves.toMatchObject({ ok: false, error: { kind: 'cancelled' } });
    expect(deps.failures.map((f) => f.reason)).toEqual(['cancelled']);
  });

  it('refuses an answer that breaks the protocol as client_error', async () => {
    const client = { elicit: [{ action: 'maybe' } as never] };
    const outcome = await harness.callToolOutcome('ask_person', { message: 'Sure?' }, { client });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'upstream' } });
    expect(deps.failures.map((f) => f.reason)).toEqual(['client_error']);
  });
});
