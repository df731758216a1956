import { spawn, type ChildProcess } from 'node:child_process';
import type { Client } from '@modelcontextprotocol/client';
import { freePort, waitForPort } from '@mcp-hub/bus/testing';
import { BridgeFixture, askingUpstream, textOf } from './support/bridge-fixture';
import { waitFor } from './support/wait-for';

/** Answers every server-to-client request the way a person, a model and a file manager would. */
function answering(client: Client): void {
  client.setRequestHandler('elicitation/create', async (request) => ({ action: 'accept', content: { confirm: request.params.message.includes('3 tickets'), reason: 'asked' } }));
  client.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', content: { type: 'text', text: 'short and sweet' }, model: 'test-model' }));
  client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///home/ada/project', name: 'project' }] }));
}
const everything = { elicitation: { form: {} }, sampling: {}, roots: {} };

/**
 * An upstream written with the SDK whose tools ask the client back while they run (elicitation,
 * sampling, roots), behind the bridge: the hub's SDK client answers, the answer reaches the
 * upstream tool, and its result reaches the client. Both eras of hub client.
 */
describe('bridge relays the upstream requests to the client of the call', () => {
  let fixture: BridgeFixture;

  beforeAll(async () => {
    fixture = await new BridgeFixture().start();
    await fixture.bridge('asking', {
      upstream: { transport: 'stdio', command: process.execPath, args: [askingUpstream] },
      restart: { baseDelayMs: 50, maxDelayMs: 200 },
    });
  }, 30_000);
  afterAll(() => fixture.stop());

  describe.each(['2025', '2026'] as const)('a %s-era client', (era) => {
    it('answers an elicitation, and the upstream tool gets the answer', async () => {
      const client = await fixture.client({ era, declares: everything, answers: answering });
      const result = await client.callTool({ name: 'asking_confirm_delete', arguments: { count: 3 } });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toBe('elicitation accept {"confirm":true,"reason":"asked"}');
    });

    it('answers a sampling request with its model', async () => {
      const client = await fixture.client({ era, declares: everything, answers: answering });
      const result = await client.callTool({ name: 'asking_summarize', arguments: { topic: 'the hub' } });
      expect(textOf(result)).toBe('model test-model said: short and sweet');
    });

    it('lists its roots to the upstream', async () => {
      const client = await fixture.client({ era, declares: everything, answers: answering });
      const result = await client.callTool({ name: 'asking_list_roots', arguments: {} });
      expect(textOf(result)).toBe('roots file:///home/ada/project');
    });

    it('declines an elicitation, and the upstream reads the decline', async () => {
      const client = await fixture.client({
        era,
        declares: { elicitation: { form: {} } },
        answers: (c) => c.setRequestHandler('elicitation/create', async () => ({ action: 'decline' })),
      });
      const result = await client.callTool({ name: 'asking_confirm_delete', arguments: { count: 3 } });
      expect(textOf(result)).toBe('elicitation decline {}');
    });

    it('without the capability: the upstream reads "method not found" and the client a clean tool error', async () => {
      const client = await fixture.client({ era });
      const result = await client.callTool({ name: 'asking_confirm_delete', arguments: { count: 3 } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe('refused -32601: The MCP client behind the hub does not support elicitation: The client did not declare the elicitation capability.');
      const sampling = await client.callTool({ name: 'asking_summarize', arguments: { topic: 'x' } });
      expect(textOf(sampling)).toMatch(/^refused -32601: .* does not support sampling/);
    });
  });

  it('declares form-mode elicitation only: the upstream does not send a URL-mode one', async () => {
    const asked: string[] = [];
    const client = await fixture.client({ declares: { elicitation: { form: {}, url: {} } }, answers: (c) => c.setRequestHandler('elicitation/create', async () => (asked.push('url'), { action: 'accept' })) });
    const result = await client.callTool({ name: 'asking_ask_url', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('refused CAPABILITY_NOT_SUPPORTED: Client does not support url elicitation.');
    expect(asked).toEqual([]);
  });

  it('over stdio, refuses a request while two calls are in flight: it cannot tell whose client to ask', async () => {
    const asked: string[] = [];
    const other = await fixture.client({ declares: everything, answers: (c) => c.setRequestHandler('elicitation/create', async () => (asked.push('other'), { action: 'accept', content: { confirm: true } })) });
    const client = await fixture.client({ declares: everything, answers: (c) => c.setRequestHandler('elicitation/create', async () => (asked.push('caller'), { action: 'accept', content: { confirm: true } })) });
    const slow = other.callTool({ name: 'asking_slow', arguments: { ms: 1500 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = await client.callTool({ name: 'asking_confirm_delete', arguments: { count: 3 } });
    expect(textOf(result)).toMatch(/^refused -32603: The hub's bridge cannot relay this elicitation request: 2 calls are in flight/);
    expect(asked).toEqual([]);
    expect(textOf(await slow)).toBe('slow done');
    // Alone again, the same call is relayed.
    expect(textOf(await client.callTool({ name: 'asking_confirm_delete', arguments: { count: 3 } }))).toBe('elicitation accept {"confirm":true}');
    expect(asked).toEqual(['caller']);
  });

  it('refuses a request the upstream sends when no call is in flight, and asks nobody', async () => {
    const asked: string[] = [];
    const client = await fixture.client({ declares: everything, answers: (c) => c.setRequestHandler('elicitation/create', async () => (asked.push('asked'), { action: 'accept' })) });
    expect(textOf(await client.callTool({ name: 'asking_ask_later', arguments: {} }))).toBe('asked later');
    // The upstream asks 100 ms after answering: no call of ours may be in flight then.
    await new Promise((resolve) => setTimeout(resolve, 600));
    let outcome = '';
    await waitFor(async () => {
      outcome = textOf(await client.callTool({ name: 'asking_later_outcome', arguments: {} }));
      return outcome !== 'not yet';
    }, 5000, 'the late request to be answered');
    expect(outcome).toBe("refused -32603: The hub's bridge cannot relay this elicitation request: no call is in flight on the upstream, so there is no client to ask.");
    expect(asked).toEqual([]);
  });

  it('a client that cancels while the person is asked ends the call upstream, and the next call works', async () => {
    const controller = new AbortController();
    const client = await fixture.client({
      declares: everything,
      // The person never answers; the client gives up once the question is shown.
      answers: (c) => c.setRequestHandler('elicitation/create', () => (controller.abort(), new Promise(() => undefined))),
    });
    await expect(client.callTool({ name: 'asking_confirm_delete', arguments: { count: 3 } }, { signal: controller.signal })).rejects.toThrow();
    await waitFor(() => fixture.logs.some((line) => line['msg'] === 'call cancelled by the hub'), 5000, 'the cancel to reach the bridge');
    const next = await fixture.client({ declares: everything, answers: answering });
    expect(textOf(await next.callTool({ name: 'asking_confirm_delete', arguments: { count: 3 } }))).toBe('elicitation accept {"confirm":true,"reason":"asked"}');
  });

  it('logs the upstream log messages in the bridge log, and passes the result _meta on', async () => {
    const client = await fixture.client();
    const result = await client.callTool({ name: 'asking_log_and_meta', arguments: {} });
    expect(result._meta).toEqual({ 'example.com/trace': 'abc-123' });
    await waitFor(() => fixture.logs.some((line) => line['msg'] === 'upstream log message' && line['upstreamLevel'] === 'warning'), 5000, 'the upstream log line');
    const line = fixture.logs.find((l) => l['msg'] === 'upstream log message')!;
    expect(line).toMatchObject({ level: 40, upstreamLogger: 'asking-upstream', upstreamLog: '{"note":"from the upstream"}' });
  });
});

/**
 * The same upstream over Streamable HTTP: it sends its request on the response stream of the
 * call it belongs to, so the bridge knows whose client to ask even with several calls in flight.
 */
describe('bridge relays the requests of an HTTP upstream to the client of the call', () => {
  let fixture: BridgeFixture;
  let upstream: ChildProcess;

  beforeAll(async () => {
    const port = await freePort();
    upstream = spawn(process.execPath, [askingUpstream, '--http', String(port)], { stdio: 'ignore' });
    await waitForPort(port, 15_000);
    fixture = await new BridgeFixture().start();
    await fixture.bridge('askhttp', { upstream: { transport: 'http', url: `http://127.0.0.1:${port}/mcp` } });
  }, 30_000);
  afterAll(async () => {
    await fixture.stop();
    upstream.kill();
  });

  it('asks the client of the call that the request belongs to, with another call in flight', async () => {
    const asked: string[] = [];
    const answer = (who: string) => (c: Client) =>
      c.setRequestHandler('elicitation/create', async (request) => (asked.push(`${who}: ${request.params.message}`), { action: 'accept', content: { confirm: who === 'caller' } }));
    const other = await fixture.client({ declares: everything, answers: answer('other') });
    const client = await fixture.client({ declares: everything, answers: answer('caller') });
    const slow = other.callTool({ name: 'askhttp_slow', arguments: { ms: 1500 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = await client.callTool({ name: 'askhttp_confirm_delete', arguments: { count: 3 } });
    expect(textOf(result)).toBe('elicitation accept {"confirm":true}');
    expect(asked).toEqual(['caller: Delete 3 tickets?']);
    expect(textOf(await slow)).toBe('slow done');
  });

  it('relays sampling and roots over HTTP too', async () => {
    const client = await fixture.client({ era: '2026', declares: everything, answers: answering });
    expect(textOf(await client.callTool({ name: 'askhttp_summarize', arguments: { topic: 'x' } }))).toBe('model test-model said: short and sweet');
    expect(textOf(await client.callTool({ name: 'askhttp_list_roots', arguments: {} }))).toBe('roots file:///home/ada/project');
  });
});
