import { ClientReplySchema, ClientRequestMessageSchema, CreateMessageResultSchema, ElicitResultSchema, ListRootsResultSchema } from './client-requests';
import { RelayedClientResponseSchema, RoundOutcomeSchema, RoundResumeSchema } from './hub-to-hub';

const invocationId = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const form = (properties: Record<string, unknown>, message = 'Delete ticket 7?') => ({
  invocationId,
  replicaId: 'r-1',
  request: { method: 'elicitation/create', params: { message, requestedSchema: { type: 'object', properties } } },
});

describe('server-to-client request messages', () => {
  it('accepts a form elicitation, a sampling request and a roots listing', () => {
    expect(ClientRequestMessageSchema.safeParse(form({ confirm: { type: 'boolean' } })).success).toBe(true);
    const sampling = { invocationId, replicaId: 'r-1', request: { method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 50 } } };
    expect(ClientRequestMessageSchema.safeParse(sampling).success).toBe(true);
    expect(ClientRequestMessageSchema.safeParse({ invocationId, replicaId: 'r-1', request: { method: 'roots/list' } }).success).toBe(true);
  });

  it.each([
    ['an unknown method', { invocationId, replicaId: 'r-1', request: { method: 'tools/call' } }],
    ['a nested object field', form({ address: { type: 'object' } })],
    ['more than 50 fields', form(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, { type: 'string' }])))],
    ['an endless message', form({ confirm: { type: 'boolean' } }, 'x'.repeat(4001))],
    ['an invocation id that could be a subject', { ...form({}), invocationId: 'a.b.>' }],
  ])('refuses %s', (_what, message) => {
    expect(ClientRequestMessageSchema.safeParse(message).success).toBe(false);
  });

  it("checks the client's answers by method", () => {
    expect(ElicitResultSchema.safeParse({ action: 'accept', content: { confirm: true, tags: ['a'] } }).success).toBe(true);
    expect(ElicitResultSchema.safeParse({ action: 'maybe' }).success).toBe(false);
    expect(ElicitResultSchema.safeParse({ action: 'accept', content: { nested: { a: 1 } } }).success).toBe(false);
    expect(CreateMessageResultSchema.safeParse({ role: 'assistant', content: { type: 'text', text: 'x' }, model: 'm' }).success).toBe(true);
    expect(CreateMessageResultSchema.safeParse({ role: 'assistant', content: { type: 'text', text: 'x' } }).success).toBe(false);
    expect(ListRootsResultSchema.safeParse({ roots: [{ uri: 'file:///srv' }] }).success).toBe(true);
    expect(ListRootsResultSchema.safeParse({ roots: [{ uri: 'https://example.com' }] }).success).toBe(false);
    expect(ClientReplySchema.safeParse({ status: 'error', kind: 'capability_missing', message: 'no' }).success).toBe(true);
    expect(ClientReplySchema.safeParse({ status: 'error', kind: 'whatever', message: 'no' }).success).toBe(false);
  });

  it('checks what hubs relay to each other', () => {
    const sessionId = invocationId;
    expect(RelayedClientResponseSchema.safeParse({ toHubId: 'hub-a', sessionId, response: { jsonrpc: '2.0', id: 'mcphub.hub-a.n.0', result: {} } }).success).toBe(true);
    expect(RelayedClientResponseSchema.safeParse({ toHubId: 'hub.a', sessionId, response: { jsonrpc: '2.0', id: 'x', result: {} } }).success).toBe(false);
    expect(RelayedClientResponseSchema.safeParse({ toHubId: 'hub-a', sessionId, response: { jsonrpc: '2.0', id: 'x', method: 'tools/call' } }).success).toBe(false);
    expect(RoundResumeSchema.safeParse({ callId: sessionId, tool: 'asking_ask_person', principalId: 'u', responses: { r0: { action: 'decline' } } }).success).toBe(true);
    expect(RoundResumeSchema.safeParse({ callId: 'not-a-uuid', tool: 't', principalId: 'u', responses: {} }).success).toBe(false);
    expect(RoundOutcomeSchema.safeParse({ kind: 'input', requests: { r0: { method: 'roots/list' } }, state: 'hub-a.x' }).success).toBe(true);
    expect(RoundOutcomeSchema.safeParse({ kind: 'done', result: { content: 'nope' } }).success).toBe(false);
  });
});
