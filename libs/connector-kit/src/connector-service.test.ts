import { z } from 'zod';
import { InProcessBus } from '@mcp-hub/bus';
import { AnnouncementSchema, GoodbyeSchema, HubEventSchema, ReplySchema, decode, encode, Subjects } from '@mcp-hub/connector-contract';
import { ConnectorHarness, ConnectorReplyError, createEchoConnector, type EchoDeps } from './testing';
import { defineConnector } from './define-connector';
import { defineTool } from './define-tool';
import { runConnector } from './connector-service';

const subjects = new Subjects();

const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

describe('connector service', () => {
  let harness: ConnectorHarness<EchoDeps>;
  let deps: EchoDeps;
  beforeEach(async () => {
    deps = { aborted: [] };
    harness = await ConnectorHarness.start(createEchoConnector(), deps);
  });
  afterEach(() => harness.stop());

  it('serves a tool with structured content and a text form', async () => {
    const result = await harness.callTool('echo', { text: 'hello' });
    expect(result).toEqual({ content: [{ type: 'text', text: 'hello' }], structuredContent: { text: 'hello' } });
  });

  it('refuses arguments that fail the input schema with invalid_arguments', async () => {
    await expect(harness.callTool('echo', { text: 42 })).rejects.toMatchObject({ reply: { kind: 'invalid_arguments', message: expect.stringContaining('text') } });
  });

  it('sends tool errors with their kind and retry hint', async () => {
    await expect(harness.callTool('fail', { kind: 'rate_limited' })).rejects.toMatchObject({
      reply: { status: 'error', kind: 'rate_limited', retryAfterMs: 1500 },
    });
  });

  it('hides an unexpected error behind a generic message', async () => {
    const error: ConnectorReplyError = await harness.callTool('crash', {}).catch((e) => e);
    expect(error.reply.kind).toBe('internal');
    expect(error.reply.message).not.toMatch(/hunter2|app\.js/);
  });

  it('aborts the handler signal when the hub cancels', async () => {
    const controller = new AbortController();
    const pending = harness.callTool('slow', { steps: 100, step_ms: 20 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ reply: { kind: 'cancelled' } });
    expect(deps.aborted).toHaveLength(1);
  });

  it('aborts the handler when the deadline passes', async () => {
    await expect(harness.callTool('slow', { steps: 100, step_ms: 20 }, { timeoutMs: 150 })).rejects.toBeDefined();
    await new Promise((r) => setTimeout(r, 100));
    expect(deps.aborted).toHaveLength(1);
  });

  it('publishes started and progress events only to a hub events subject', async () => {
    const progress: number[] = [];
    const started: string[] = [];
    harness.bus.subscribe(subjects.hubEvents('hub1'), (m) => {
      const event = decode(HubEventSchema, m.data);
      if (event.type === 'progress') progress.push(event.progress);
      else started.push(event.replicaId);
    });
    const body = { invocationId: 'inv-progress-1', deadline: Date.now() + 5000, principal: { id: 'u' }, tool: 'slow', arguments: { steps: 3, step_ms: 15 } };
    await harness.bus.request(subjects.invoke('echo', 'slow'), encode({ ...body, eventsSubject: subjects.hubEvents('hub1'), wantsProgress: true }), { timeoutMs: 5000 });
    await harness.bus.flush();
    expect(progress).toEqual([1, 2, 3]);
    expect(started).toEqual([harness.service.replicaId]);
    const stray: string[] = [];
    harness.bus.subscribe(subjects.invoke('echo', 'echo'), () => stray.push('x'));
    await harness.bus.request(subjects.invoke('echo', 'slow'), encode({ ...body, invocationId: 'inv-progress-2', eventsSubject: subjects.invoke('echo', 'echo'), wantsProgress: true }), { timeoutMs: 5000 });
    expect(stray).toEqual([]);
  });

  it('claims only calls that outlive a few milliseconds', async () => {
    const events: string[] = [];
    harness.bus.subscribe(subjects.hubEvents('hub2'), (m) => events.push(decode(HubEventSchema, m.data).type));
    const request = (invocationId: string, tool: string, args: Record<string, unknown>) =>
      harness.bus.request(
        subjects.invoke('echo', tool),
        encode({ invocationId, deadline: Date.now() + 5000, principal: { id: 'u' }, tool, arguments: args, eventsSubject: subjects.hubEvents('hub2') }),
        { timeoutMs: 5000 },
      );
    await request('inv-fast-00001', 'echo', { text: 'quick' });
    await new Promise((r) => setTimeout(r, 40));
    expect(events).toEqual([]);
    await request('inv-slow-00001', 'slow', { steps: 1, step_ms: 60 });
    await harness.bus.flush();
    expect(events).toEqual(['started']);
  });

  it('replies to a malformed request without running anything', async () => {
    const reply = await harness.bus.request(subjects.invoke('echo', 'echo'), new TextEncoder().encode('{"tool":"echo"}'), { timeoutMs: 1000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({ status: 'error', kind: 'internal' });
  });

  it('announces resource updates noticed outside any call', async () => {
    harness.service.resourceUpdated('echo://things/7');
    await harness.bus.flush();
    expect(harness.resourceUpdates).toEqual(['echo://things/7']);
  });

  it('reads fixed and templated resources and refuses unknown ones', async () => {
    expect((await harness.readResource('echo://status')).contents[0]).toMatchObject({ text: '{"ok":true}' });
    expect((await harness.readResource('echo://items/a%20b')).contents[0]).toMatchObject({ text: 'item a b' });
    await expect(harness.readResource('echo://nothing')).rejects.toMatchObject({ reply: { kind: 'not_found' } });
  });

  it('renders prompts, checks their arguments and completes them', async () => {
    const prompt = await harness.getPrompt('greet', { name: 'Ada', tone: 'warm' });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'Say hello to Ada in a warm tone.' });
    await expect(harness.getPrompt('greet', {})).rejects.toMatchObject({ reply: { kind: 'invalid_arguments' } });
    expect(await harness.complete({ type: 'prompt', name: 'greet' }, { name: 'tone', value: 'w' })).toEqual({ values: ['warm'], hasMore: false });
    expect(await harness.complete({ type: 'resource', uriTemplate: 'echo://items/{name}' }, { name: 'name', value: 'g' })).toEqual({ values: ['gamma'], hasMore: false });
  });
});

describe('connector lifecycle', () => {
  it('announces on start, on discovery, and says goodbye on stop', async () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    bus.subscribe(subjects.registry('echo', 'announce'), (m) => seen.push(`announce:${decode(AnnouncementSchema, m.data).manifest.id}`));
    bus.subscribe(subjects.registry('echo', 'goodbye'), (m) => seen.push(`goodbye:${decode(GoodbyeSchema, m.data).connector}`));
    const service = await runConnector(createEchoConnector(), { bus, deps: { aborted: [] } });
    bus.publish(subjects.discover(), encode({ hubId: 'h' }));
    await new Promise((r) => setTimeout(r, 20));
    await service.stop();
    await bus.flush();
    expect(seen).toEqual(['announce:echo', 'announce:echo', 'goodbye:echo']);
    await bus.close();
  });

  it('does not announce itself again once it said goodbye, even when a hub asks during the drain', async () => {
    const harness = await ConnectorHarness.start(createEchoConnector(), { aborted: [] });
    const seen: string[] = [];
    harness.bus.subscribe(subjects.registry('echo', 'announce'), () => seen.push('announce'));
    harness.bus.subscribe(subjects.registry('echo', 'goodbye'), () => seen.push('goodbye'));
    const inFlight = harness.callTool('slow', { steps: 5, step_ms: 20 });
    await new Promise((r) => setTimeout(r, 10));
    const stopped = harness.service.stop();
    harness.bus.publish(subjects.discover(), encode({ hubId: 'h' }));
    await inFlight;
    await stopped;
    expect(seen).toEqual(['goodbye']);
    await harness.bus.close();
  });

  it('lets in-flight calls finish on stop and takes no new ones', async () => {
    const harness = await ConnectorHarness.start(createEchoConnector(), { aborted: [] });
    const inFlight = harness.callTool('slow', { steps: 5, step_ms: 20 });
    await new Promise((r) => setTimeout(r, 20));
    const stopped = harness.service.stop();
    await expect(inFlight).resolves.toMatchObject({ structuredContent: { completed: 5 } });
    await stopped;
    await expect(harness.callTool('echo', { text: 'late' })).rejects.toMatchObject({ kind: 'no_responders' });
    await harness.bus.close();
  });
});

describe('connector concurrency cap', () => {
  const slowCall = (bus: InProcessBus, i: number) =>
    bus.request(
      subjects.invoke('echo', 'slow'),
      encode({ invocationId: `inv-cap-${i}-000`, deadline: Date.now() + 5000, principal: { id: 'u' }, tool: 'slow', arguments: { steps: 1, step_ms: 30 } }),
      { timeoutMs: 5000 },
    );

  it('runs no more than maxConcurrency calls at once; up to maxQueued more wait their turn', async () => {
    const bus = new InProcessBus();
    const service = await runConnector(createEchoConnector(), { bus, deps: { aborted: [] }, maxConcurrency: 2, maxQueued: 4 });
    const started = Date.now();
    const replies = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => slowCall(bus, i)));
    // 6 calls, 2 at a time, 30 ms each: three rounds, and every one of them served.
    expect(Date.now() - started).toBeGreaterThanOrEqual(85);
    expect(replies.map((r) => decode(ReplySchema, r.data).status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(service.refusedBusy).toBe(0);
    await service.stop();
    await bus.close();
  });

  it('refuses calls beyond the cap and the wait line as busy, at once and without starting them', async () => {
    const bus = new InProcessBus();
    const deps: EchoDeps = { aborted: [] };
    const service = await runConnector(createEchoConnector(), { bus, deps, maxConcurrency: 2, maxQueued: 1 });
    const started = Date.now();
    const pending = [0, 1, 2, 3, 4].map((i) => slowCall(bus, i).then((reply) => ({ reply: decode(ReplySchema, reply.data), at: Date.now() - started })));
    const outcomes = await Promise.all(pending);
    expect(outcomes.map((o) => o.reply.status)).toEqual(['ok', 'ok', 'ok', 'error', 'error']);
    const firstServed = Math.min(...outcomes.slice(0, 3).map((o) => o.at));
    for (const refused of outcomes.slice(3)) {
      expect(refused.reply).toMatchObject({ kind: 'busy', message: expect.stringMatching(/at capacity and did not start/) });
      // Answered before any slot freed: refused at once, not after waiting for one.
      expect(refused.at).toBeLessThanOrEqual(firstServed);
    }
    expect(service.refusedBusy).toBe(2);
    // A slot freed: the next call is served again.
    expect(decode(ReplySchema, (await slowCall(bus, 9)).data).status).toBe('ok');
    await service.stop();
    await bus.close();
  });

  it('refuses a negative maxQueued', async () => {
    await expect(runConnector(createEchoConnector(), { bus: new InProcessBus(), deps: { aborted: [] }, maxConcurrency: 1, maxQueued: -1 })).rejects.toThrow(/maxQueued/);
  });
});

describe('defineConnector', () => {
  const tool = (name: string) =>
    defineTool({ name, description: 'x', input: z.object({}), output: z.object({}), annotations: readOnly, handler: async () => ({ structured: {}, text: '' }) });

  it('refuses duplicate tool names', () => {
    expect(() => defineConnector({ id: 'dup', version: '1', tools: [tool('a'), tool('a')] })).toThrow(/duplicate tool "a"/);
  });

  it('refuses a tool whose qualified name passes 64 characters', () => {
    expect(() => defineConnector({ id: 'longconnectorname', version: '1', tools: [tool('x'.repeat(50))] })).toThrow(/limit is 64/);
  });

  it('publishes JSON Schema 2020-12 input and output schemas', () => {
    const connector = createEchoConnector();
    const echo = connector.manifest.tools.find((t) => t.name === 'echo')!;
    expect(echo.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string', maxLength: 10000 } }, required: ['text'] });
    expect(echo.outputSchema).toMatchObject({ type: 'object' });
    expect(echo.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
  });
});
