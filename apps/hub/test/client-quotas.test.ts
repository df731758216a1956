import { HubFixture, waitFor } from './hub-fixture';
import { clientKeyBehindProxies } from '../src/http/client-key';
import { modernHeaders, initialize, listen, openStream, send, type OpenStream } from './raw-http';

/** Distinct loopback source addresses stand for distinct clients (Linux routes all of 127/8 to lo). */
const A = '127.0.0.2';
const B = '127.0.0.3';
const C = '127.0.0.4';

describe('per-client quotas on 2025 sessions', () => {
  let fixture: HubFixture;
  beforeEach(async () => {
    fixture = await new HubFixture().start({ maxSessions: 6, maxSessionsPerClient: 3 });
    await fixture.addConnector('echo');
  });
  afterEach(() => fixture.stop());

  const open = async (localAddress: string) => {
    const response = await send(fixture.url, { body: initialize(), localAddress });
    return { ...response, sessionId: response.headers['mcp-session-id'] as string | undefined };
  };
  const listTools = (sessionId: string, localAddress: string) =>
    send(fixture.url, { body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, headers: { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' }, localAddress });

  it('answers a client over its quota 429 with Retry-After, while another client still connects', async () => {
    for (let i = 0; i < 3; i++) expect((await open(A)).status).toBe(200);
    const refused = await open(A);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.messages[0]).toMatchObject({ jsonrpc: '2.0', error: { code: -32000, message: expect.stringMatching(/Too many sessions.*holds 3/) }, id: null });
    expect((await open(B)).status).toBe(200);
    // The stock SDK client, from 127.0.0.1, is one more client.
    const client = await fixture.client();
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });

  it('holds the quota against initialize requests sent all at once', async () => {
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => open(A)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(17);
    expect(fixture.front.sessions.size).toBe(3);
  });

  it('lets a new client in when the table is full by ending the longest-idle session of the heaviest client', async () => {
    const ofA: string[] = [];
    for (let i = 0; i < 3; i++) ofA.push((await open(A)).sessionId!);
    const ofB: string[] = [];
    for (let i = 0; i < 2; i++) ofB.push((await open(B)).sessionId!);
    await fixture.client(); // the sixth: the table is full
    for (const id of ofB) expect((await listTools(id, B)).status).toBe(200); // B's sessions are the most recently used
    expect(fixture.front.sessions.size).toBe(6);

    const newcomer = await open(C);
    expect(newcomer.status).toBe(200);
    expect(fixture.front.sessions.size).toBe(6);
    // A held the most: its first session, the idlest, is gone; every other session lives on.
    expect((await listTools(ofA[0]!, A)).status).toBe(404);
    for (const id of ofA.slice(1)) expect((await listTools(id, A)).status).toBe(200);
    for (const id of ofB) expect((await listTools(id, B)).status).toBe(200);
    expect((await listTools(newcomer.sessionId!, C)).status).toBe(200);
  });
});

describe('per-client quotas on 2026 listen streams', () => {
  let fixture: HubFixture;
  const streams: OpenStream[] = [];
  beforeEach(async () => {
    fixture = await new HubFixture().start({ maxListenStreams: 5, maxListenStreamsPerClient: 3 });
    await fixture.addConnector('echo');
  });
  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.request.destroy();
    await fixture.stop();
  });

  const openListen = async (localAddress: string) => {
    const stream = await openStream(fixture.url, { body: listen(), headers: modernHeaders('subscriptions/listen'), localAddress });
    streams.push(stream);
    return stream;
  };

  it('answers a client over its quota 429, while another client still listens', async () => {
    for (let i = 0; i < 3; i++) expect((await openListen(A)).status).toBe(200);
    const refused = await send(fixture.url, { body: listen(), headers: modernHeaders('subscriptions/listen'), localAddress: A });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.messages[0]).toMatchObject({ error: { code: -32000, message: expect.stringMatching(/Too many listen streams/) } });
    const other = await openListen(B);
    expect(other.status).toBe(200);
    expect(other.headers['content-type']).toMatch(/text\/event-stream/);
  });

  it('holds the quota against listen requests sent all at once', async () => {
    const opened = await Promise.all(Array.from({ length: 10 }, () => openListen(A)));
    expect(opened.filter((s) => s.status === 200)).toHaveLength(3);
    expect(opened.filter((s) => s.status === 429)).toHaveLength(7);
  });

  it('lets a new client listen when the table is full by closing the oldest stream of the heaviest client', async () => {
    const ofA = [await openListen(A), await openListen(A), await openListen(A)];
    const ofB = [await openListen(B), await openListen(B)];
    let aClosed = 0;
    for (const stream of ofA) void stream.closed.then(() => aClosed++);
    const newcomer = await openListen(C);
    expect(newcomer.status).toBe(200);
    expect(newcomer.headers['content-type']).toMatch(/text\/event-stream/);
    await ofA[0]!.closed;
    // Only A's oldest stream closed; the newcomer's stream gets list_changed like everyone's.
    expect(aClosed).toBe(1);
    let received = '';
    newcomer.response.on('data', (chunk) => (received += chunk));
    await fixture.addConnector('later');
    await waitFor(() => received.includes('notifications/tools/list_changed'), 3000, 'list_changed on the newcomer stream');
    expect(ofB.every((s) => !s.response.closed)).toBe(true);
  });
});

describe('per-client quotas behind a reverse proxy', () => {
  let fixture: HubFixture;
  beforeEach(async () => {
    // 127.0.0.2 is the proxy; 127.0.0.3 is a client connecting directly.
    fixture = await new HubFixture().start({ maxSessions: 20, maxSessionsPerClient: 2, clientKeyFor: clientKeyBehindProxies(['127.0.0.2/32']) });
    await fixture.addConnector('echo');
  });
  afterEach(() => fixture.stop());

  const open = (localAddress: string, forwardedFor?: string) =>
    send(fixture.url, { body: initialize(), localAddress, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });

  it('counts each client behind the proxy apart, by the right-most untrusted X-Forwarded-For hop', async () => {
    for (let i = 0; i < 2; i++) expect((await open(A, '203.0.113.7')).status).toBe(200);
    expect((await open(A, '203.0.113.7')).status).toBe(429);
    // Another client behind the same proxy, and one whose left-most hop is forged: its real hop is the right-most.
    expect((await open(A, '203.0.113.8')).status).toBe(200);
    expect((await open(A, '203.0.113.7, 203.0.113.9')).status).toBe(200);
  });

  it('does not believe X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    for (let i = 0; i < 2; i++) expect((await open(B, `198.51.100.${i}`)).status).toBe(200);
    // B rotates the header to look like new clients: it is still one client, its own address.
    expect((await open(B, '198.51.100.99')).status).toBe(429);
  });
});
