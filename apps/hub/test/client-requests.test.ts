import { randomBytes, randomUUID } from 'node:crypto';
import { NatsBus } from '@mcp-hub/bus';
import { ClientReplySchema, decode, encode } from '@mcp-hub/connector-contract';
import { runConnector, type ConnectorService } from '@mcp-hub/connector-kit';
import { createAskingConnector, type AskingDeps } from '@mcp-hub/connector-kit/testing';
import { Client, StreamableHTTPClientTransport, type ClientCapabilities, type FetchLike } from '@modelcontextprotocol/client';
import { Hub } from '../src/hub';
import type { HttpFront } from '../src/http/http-front';
import { InMemorySessionStore } from '../src/sessions/in-memory-session-store';
import { silent, testFront, waitFor } from './hub-fixture';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const CALL_TIMEOUT_MS = 2500;

/** Two hub replicas sharing a session store (no affinity), and one replica of the asking connector, on a namespace of their own. */
const namespace = `s2c${randomBytes(3).toString('hex')}`;
let bus: NatsBus;
let replica: ConnectorService<AskingDeps>;
const deps: AskingDeps = { failures: [], asking: [] };
const store = new InMemorySessionStore(60_000);
const hubs: Array<{ hub: Hub; front: HttpFront; url: string }> = [];
const clients: Client[] = [];

async function startHub(name: string) {
  const hub = new Hub({ bus, hubId: `${name}-${namespace}`, logger: silent, namespace, callTimeoutMs: CALL_TIMEOUT_MS, sweepMs: 200 });
  await hub.start();
  const front = testFront(hub, { sessionStore: store });
  return { hub, front, url: await front.listen() };
}

beforeAll(async () => {
  bus = await NatsBus.connect({ servers: NATS_URL, name: `client-requests-${namespace}` });
  hubs.push(await startHub('a'), await startHub('b'));
  replica = await runConnector(createAskingConnector(), { bus, deps, namespace, heartbeatMs: 300, logger: silent });
  for (const { hub } of hubs) await waitFor(() => hub.inventory.replicaCount('asking') > 0, 5000, 'the asking connector');
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  for (const { front, hub } of hubs) {
    await front.close(0);
    hub.stop();
  }
  await replica?.stop();
  await store.close();
  await bus?.close();
});

beforeEach(() => {
  deps.failures.length = 0;
  deps.asking.length = 0;
});

interface ClientSetup {
  capabilities?: ClientCapabilities;
  era?: '2025' | '2026';
  /** Sends each request to a hub of its choice (default: hub A). */
  fetch?: FetchLike;
}

async function connect(setup: ClientSetup, handlers: (client: Client) => void = () => undefined): Promise<Client> {
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    { capabilities: setup.capabilities ?? {}, ...(setup.era === '2026' && { versionNegotiation: { mode: { pin: '2026-07-28' } } }) },
  );
  handlers(client);
  await client.connect(new StreamableHTTPClientTransport(new URL(hubs[0]!.url), setup.fetch ? { fetch: setup.fetch } : {}));
  clients.push(client);
  return client;
}

function structured(result: Awaited<ReturnType<Client['callTool']>>): unknown {
  expect(result.isError).toBeFalsy();
  return result.structuredContent;
}

function text(result: Awaited<ReturnType<Client['callTool']>>): string {
  return (result.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('');
}

describe('server-to-client requests on a 2025-11-25 session', () => {
  it('hands the person’s answer to the handler: accepted, declined, dismissed', async () => {
    const answers = [{ action: 'accept', content: { confirm: true } }, { action: 'decline' }, { action: 'cancel' }] as const;
    const asked: string[] = [];
    const client = await connect({ capabilities: { elicitation: {} } }, (c) =>
      c.setRequestHandler('elicitation/create', async (request) => {
        asked.push(request.params.message);
        return answers[asked.length - 1]!;
      }),
    );
    const results = [];
    for (const message of ['Delete ticket 1?', 'Delete ticket 2?', 'Delete ticket 3?']) {
      results.push(structured(await client.callTool({ name: 'asking_ask_person', arguments: { message } })));
    }
    expect(asked).toEqual(['Delete ticket 1?', 'Delete ticket 2?', 'Delete ticket 3?']);
    expect(results).toEqual([{ action: 'accept', confirm: true }, { action: 'decline' }, { action: 'cancel' }]);
  });

  it("asks the client's model (sampling) and lists its roots", async () => {
    const client = await connect({ capabilities: { sampling: {}, roots: {} } }, (c) => {
      c.setRequestHandler('sampling/createMessage', async (request) => {
        const content = request.params.messages[0]!.content as { type: string; text?: string };
        return { role: 'assistant', content: { type: 'text', text: `answer to ${content.text}` }, model: 'test-model-1' };
      });
      c.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///home/ada/project', name: 'project' }] }));
    });
    expect(structured(await client.callTool({ name: 'asking_ask_model', arguments: { question: 'why?' } }))).toEqual({ answer: 'answer to why?', model: 'test-model-1' });
    expect(structured(await client.callTool({ name: 'asking_client_roots', arguments: {} }))).toEqual({ uris: ['file:///home/ada/project'] });
  });

  it('tells the handler, at once, which capability the client did not declare', async () => {
    const client = await connect({ capabilities: { roots: {} } }, (c) => c.setRequestHandler('roots/list', async () => ({ roots: [] })));
    const started = Date.now();
    expect(structured(await client.callTool({ name: 'asking_ask_person', arguments: { message: 'Sure?', report_failure: true } }))).toEqual({ failure: 'capability_missing' });
    const unhandled = await client.callTool({ name: 'asking_ask_model', arguments: { question: 'x' } });
    expect(unhandled.isError).toBe(true);
    expect(text(unhandled)).toBe('The client did not declare the sampling capability.');
    // Both answered well before the deadline: no waiting on a client that cannot answer.
    expect(Date.now() - started).toBeLessThan(CALL_TIMEOUT_MS);
    expect(deps.failures.map((f) => f.reason)).toEqual(['capability_missing', 'capability_missing']);
  });

  it('gives up at the call deadline when the person never answers', async () => {
    let abandoned = false;
    const client = await connect({ capabilities: { elicitation: {} } }, (c) =>
      c.setRequestHandler('elicitation/create', (_request, ctx) => {
        ctx.mcpReq.signal.addEventListener('abort', () => (abandoned = true));
        return new Promise(() => undefined);
      }),
    );
    const result = await client.callTool({ name: 'asking_ask_person', arguments: { message: 'Sure?' } });
    expect(result.isError).toBe(true);
    expect(deps.failures.map((f) => f.reason)).toEqual(['timeout']);
    // The client is told the question no longer stands.
    await waitFor(() => abandoned, 3000, 'the elicitation to be cancelled at the client');
  });

  it('abandons the pending question when the client cancels the call', async () => {
    let abandoned = false;
    let asked!: () => void;
    const questionArrived = new Promise<void>((resolve) => (asked = resolve));
    const client = await connect({ capabilities: { elicitation: {} } }, (c) =>
      c.setRequestHandler('elicitation/create', (_request, ctx) => {
        ctx.mcpReq.signal.addEventListener('abort', () => (abandoned = true));
        asked();
        return new Promise(() => undefined);
      }),
    );
    const controller = new AbortController();
    const call = client.callTool({ name: 'asking_ask_person', arguments: { message: 'Sure?' } }, { signal: controller.signal });
    call.catch(() => undefined);
    await questionArrived;
    controller.abort('changed my mind');
    await expect(call).rejects.toThrow();
    await waitFor(() => deps.failures.length > 0, 3000, 'the handler to see the cancellation');
    expect(deps.failures.map((f) => f.reason)).toEqual(['cancelled']);
    await waitFor(() => abandoned, 3000, 'the elicitation to be cancelled at the client');
  });

  it('carries the question and its answer across replicas when another replica adopted the session', async () => {
    const [a, b] = hubs as [(typeof hubs)[number], (typeof hubs)[number]];
    const seen = { a: 0, b: 0 };
    // A balancer without affinity: initialize and the client's answers go to A; the call (and
    // everything else) to B, which adopts the session from the store and runs the call.
    const balancer: FetchLike = async (url, init) => {
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string; result?: unknown; error?: unknown }) : undefined;
      const toA = body !== undefined && (body.method === 'initialize' || (body.method === undefined && (body.result !== undefined || body.error !== undefined)));
      seen[toA ? 'a' : 'b']++;
      return fetch(new URL(toA ? a.url : b.url).toString() + (new URL(String(url)).search ?? ''), init);
    };
    const relayed: unknown[] = [];
    const watch = bus.subscribe(a.hub.subjects.clientResponses(), (message) => relayed.push(JSON.parse(new TextDecoder().decode(message.data))));
    const client = await connect({ capabilities: { elicitation: {} }, fetch: balancer }, (c) =>
      c.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { confirm: false } })),
    );
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId!;
    const result = await client.callTool({ name: 'asking_ask_person', arguments: { message: 'Across replicas?' } });
    watch.unsubscribe();
    expect(structured(result)).toEqual({ action: 'accept', confirm: false });
    // B adopted the session and ran the call; the answer reached A, which relayed it to B.
    expect(b.front.sessions.get(sessionId)).toBeDefined();
    expect(relayed).toEqual([expect.objectContaining({ toHubId: b.hub.hubId, sessionId })]);
    expect(seen.a).toBeGreaterThanOrEqual(2); // initialize and the answer
    expect(seen.b).toBeGreaterThanOrEqual(1);
  });
});

describe('server-to-client requests on a 2026-07-28 client (input_required rounds)', () => {
  it('asks through input_required results: elicitation, sampling and roots, answered by the SDK client', async () => {
    const client = await connect({ era: '2026', capabilities: { elicitation: {}, sampling: {}, roots: {} } }, (c) => {
      c.setRequestHandler('elicitation/create', async (request) => ({ action: 'accept', content: { confirm: request.params.message.includes('yes') } }));
      c.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', content: { type: 'text', text: 'forty-two' }, model: 'm-2026' }));
      c.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///srv/data' }] }));
    });
    expect(structured(await client.callTool({ name: 'asking_ask_person', arguments: { message: 'Say yes?' } }))).toEqual({ action: 'accept', confirm: true });
    expect(structured(await client.callTool({ name: 'asking_ask_person', arguments: { message: 'Say no?' } }))).toEqual({ action: 'accept', confirm: false });
    expect(structured(await client.callTool({ name: 'asking_ask_model', arguments: { question: 'meaning?' } }))).toEqual({ answer: 'forty-two', model: 'm-2026' });
    expect(structured(await client.callTool({ name: 'asking_client_roots', arguments: {} }))).toEqual({ uris: ['file:///srv/data'] });
    expect(hubs.every(({ hub }) => hub.parkedCalls === 0)).toBe(true);
  });

  it('tells the handler which capability the 2026 client did not declare', async () => {
    const client = await connect({ era: '2026', capabilities: {} });
    expect(structured(await client.callTool({ name: 'asking_ask_person', arguments: { message: 'Sure?', report_failure: true } }))).toEqual({ failure: 'capability_missing' });
  });

  it('resumes the call on the replica holding it when the retry reaches another one', async () => {
    const [a, b] = hubs as [(typeof hubs)[number], (typeof hubs)[number]];
    let posts = 0;
    // Round-robin without affinity: the first call goes to A, its retry to B, and so on.
    const balancer: FetchLike = async (url, init) => fetch(new URL((posts++ % 2 === 0 ? a : b).url).toString() + new URL(String(url)).search, init);
    const relayed: unknown[] = [];
    const watch = bus.subscribe(a.hub.subjects.roundResume(a.hub.hubId), (message) => relayed.push(message.subject));
    const client = await connect({ era: '2026', capabilities: { elicitation: {} }, fetch: balancer }, (c) =>
      c.setRequestHandler('elicitation/create', async () => ({ action: 'decline' })),
    );
    posts = 0;
    const result = await client.callTool({ name: 'asking_ask_person', arguments: { message: 'Across replicas?' } });
    watch.unsubscribe();
    expect(structured(result)).toEqual({ action: 'decline' });
    expect(relayed.length).toBeGreaterThanOrEqual(1);
  });

  it('cancels the call when the client gives up on a round', async () => {
    const client = await connect({ era: '2026', capabilities: { elicitation: {} } }, (c) =>
      c.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { confirm: true } })),
    );
    const controller = new AbortController();
    const call = client.callTool({ name: 'asking_ask_person', arguments: { message: 'Sure?', then_wait_ms: 20_000 } }, { signal: controller.signal });
    call.catch(() => undefined);
    // The answer went in; the second round now waits for the connector, which works on.
    await waitFor(() => deps.asking.length === 1, 3000, 'the question');
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort('gave up');
    await expect(call).rejects.toThrow();
    await waitFor(() => deps.failures.length > 0, 3000, 'the handler to be cancelled');
    // Cancelled by the hub, not ended by the deadline.
    expect(deps.failures.map((f) => f.reason)).toEqual(['cancelled after the answer']);
  });

  it('cancels the call on the replica holding it when the client gives up on a relayed round', async () => {
    const [a, b] = hubs as [(typeof hubs)[number], (typeof hubs)[number]];
    let posts = 0;
    const balancer: FetchLike = async (url, init) => fetch(new URL((posts++ % 2 === 0 ? a : b).url).toString() + new URL(String(url)).search, init);
    const client = await connect({ era: '2026', capabilities: { elicitation: {} }, fetch: balancer }, (c) =>
      c.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { confirm: true } })),
    );
    posts = 0;
    const controller = new AbortController();
    const call = client.callTool({ name: 'asking_ask_person', arguments: { message: 'Sure?', then_wait_ms: 20_000 } }, { signal: controller.signal });
    call.catch(() => undefined);
    await waitFor(() => deps.asking.length === 1, 3000, 'the question');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posts).toBeGreaterThanOrEqual(2); // the retry went to B, which relayed it to A
    controller.abort('gave up');
    await expect(call).rejects.toThrow();
    await waitFor(() => deps.failures.length > 0, 3000, 'the handler to be cancelled');
    expect(deps.failures.map((f) => f.reason)).toEqual(['cancelled after the answer']);
  });

  it('gives up at the call deadline when the 2026 client never retries', async () => {
    const client = await connect({ era: '2026', capabilities: { elicitation: {} } }, (c) =>
      c.setRequestHandler('elicitation/create', () => new Promise(() => undefined)),
    );
    const call = client.callTool({ name: 'asking_ask_person', arguments: { message: 'Sure?' } }, { timeout: CALL_TIMEOUT_MS + 2000 });
    call.catch(() => undefined);
    await waitFor(() => deps.failures.length > 0, CALL_TIMEOUT_MS + 2000, 'the handler to time out');
    expect(deps.failures.map((f) => f.reason)).toEqual(['timeout']);
  });
});

describe('a connector can only ask through a call it serves', () => {
  it('refuses requests for unknown calls, for another connector’s call, and from another replica', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let questions = 0;
    const client = await connect({ capabilities: { elicitation: {} } }, (c) =>
      c.setRequestHandler('elicitation/create', async () => {
        questions++;
        await held;
        return { action: 'decline' };
      }),
    );
    const call = client.callTool({ name: 'asking_ask_person', arguments: { message: 'Sure?' } });
    await waitFor(() => deps.asking.length === 1, 3000, 'the call to ask');
    const invocationId = deps.asking[0]!;
    const hub = hubs[0]!.hub;
    const forge = async (connector: string, id: string, replicaId: string) => {
      const message = { invocationId: id, replicaId, request: { method: 'roots/list' } };
      const reply = await bus.request(hub.subjects.clientRequests(hub.hubId, connector), encode(message), { timeoutMs: 2000 });
      return decode(ClientReplySchema, reply.data);
    };
    expect(await forge('asking', randomUUID(), replica.replicaId)).toMatchObject({ status: 'error', kind: 'refused' });
    expect(await forge('echo', invocationId, replica.replicaId)).toMatchObject({ status: 'error', kind: 'refused' });
    expect(await forge('asking', invocationId, 'another-replica')).toMatchObject({ status: 'error', kind: 'refused' });
    const garbage = await bus.request(hub.subjects.clientRequests(hub.hubId, 'asking'), new TextEncoder().encode('{"invocationId":1}'), { timeoutMs: 2000 });
    expect(decode(ClientReplySchema, garbage.data)).toMatchObject({ status: 'error', kind: 'refused' });
    // Even the serving replica may not flood the person: a few questions wait at once, no more.
    const question = encode({ invocationId, replicaId: replica.replicaId, request: { method: 'elicitation/create', params: { message: 'Again?', requestedSchema: { type: 'object', properties: {} } } } });
    const subject = hub.subjects.clientRequests(hub.hubId, 'asking');
    const extra = [1, 2, 3].map(() => bus.request(subject, question, { timeoutMs: 5000 }));
    await waitFor(() => questions === 4, 3000, 'four questions at the client');
    const flood = decode(ClientReplySchema, (await bus.request(subject, question, { timeoutMs: 2000 })).data);
    expect(flood).toMatchObject({ status: 'error', kind: 'refused', message: expect.stringContaining('At most 4') });
    release();
    expect(structured(await call)).toEqual({ action: 'decline' });
    // The forged questions end with the call: answered if the client was quicker, abandoned otherwise.
    for (const answered of await Promise.all(extra)) {
      const reply = decode(ClientReplySchema, answered.data);
      expect(reply.status === 'ok' ? reply.result : reply.kind).toEqual(reply.status === 'ok' ? { action: 'decline' } : 'cancelled');
    }
  });
});
