import { HubFixture } from './hub-fixture';
import { listen, modernHeaders, send } from './raw-http';

/** Requests whose params fail the spec schema, and the field the answer must name. */
const INVALID: Array<[method: string, params: Record<string, unknown>, field: string]> = [
  ['resources/read', {}, 'params.uri'],
  ['resources/read', { uri: 5 }, 'params.uri'],
  ['prompts/get', {}, 'params.name'],
  ['prompts/get', { name: 'echo_greet', arguments: 'x' }, 'params.arguments'],
  ['prompts/get', { name: 'echo_greet', arguments: { name: 5 } }, 'params.arguments.name'],
  ['completion/complete', { ref: { type: 'ref/prompt', name: 'echo_greet' } }, 'params.argument'],
  ['completion/complete', { ref: { type: 'ref/prompt' }, argument: { name: 'tone', value: 'f' } }, 'params.ref'],
  ['tools/call', {}, 'params.name'],
  ['tools/call', { name: 5 }, 'params.name'],
  ['tools/call', { name: 'echo_echo', arguments: [1] }, 'params.arguments'],
];
const LEGACY_ONLY: typeof INVALID = [
  ['resources/subscribe', {}, 'params.uri'],
  ['resources/subscribe', { uri: ['x'] }, 'params.uri'],
  ['resources/unsubscribe', {}, 'params.uri'],
];

describe('invalid params and subscriptions', () => {
  let fixture: HubFixture;
  beforeAll(async () => {
    fixture = await new HubFixture().start({ maxSubscriptionsPerSession: 3 });
    await fixture.addConnector('echo');
  });
  afterAll(() => fixture.stop());

  const answer = (promise: Promise<unknown>) => promise.then(() => ({ code: 0, message: 'no error' }), (error: { code?: number; message: string }) => ({ code: error.code, message: error.message }));

  it.each(['2025', '2026'] as const)('answers params that fail the schema with -32602 naming the field (%s)', async (era) => {
    const client = await fixture.client(era);
    for (const [method, params, field] of era === '2025' ? [...INVALID, ...LEGACY_ONLY] : INVALID) {
      const { code, message } = await answer(client.request({ method: method as 'resources/read', params }));
      expect({ method, params, code }).toEqual({ method, params, code: -32602 });
      expect(message).toContain(`Invalid params for ${method}: ${field}:`);
    }
  });

  it('refuses a 2025 subscription to a resource no connector serves with -32602', async () => {
    const client = await fixture.client();
    for (const uri of ['nothing://x', 'echo://elsewhere', 'echo://items/a/b']) {
      expect(await answer(client.subscribeResource({ uri }))).toEqual({ code: -32602, message: expect.stringContaining(`Unknown resource: ${uri} (no connector serves it`) });
    }
    await expect(client.subscribeResource({ uri: 'echo://status' })).resolves.toBeDefined();
  });

  it('caps the subscriptions of one 2025 session', async () => {
    const client = await fixture.client();
    for (const name of ['a', 'b', 'c']) await client.subscribeResource({ uri: `echo://items/${name}` });
    await client.subscribeResource({ uri: 'echo://items/a' }); // already held: no new slot
    expect(await answer(client.subscribeResource({ uri: 'echo://items/d' }))).toEqual({ code: -32602, message: expect.stringMatching(/Subscription limit reached.*at most 3/) });
    await client.unsubscribeResource({ uri: 'echo://items/a' });
    await expect(client.subscribeResource({ uri: 'echo://items/d' })).resolves.toBeDefined();
  });

  it('refuses a 2026 listen filter naming an unknown resource, or too many', async () => {
    const headers = modernHeaders('subscriptions/listen');
    const unknown = await send(fixture.url, { body: listen({ resourceSubscriptions: ['echo://status', 'nothing://x'] }), headers });
    expect(unknown.status).toBe(400);
    expect(unknown.messages[0]).toMatchObject({ error: { code: -32602, message: expect.stringMatching(/unknown resource nothing:\/\/x/) } });
    const many = await send(fixture.url, { body: listen({ resourceSubscriptions: ['a', 'b', 'c', 'd'].map((n) => `echo://items/${n}`) }), headers });
    expect(many.status).toBe(400);
    expect(many.messages[0]).toMatchObject({ error: { code: -32602, message: expect.stringMatching(/names 4 resources; at most 3/) } });
  });
});
