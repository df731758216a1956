import { Writable } from 'node:stream';
import pino from 'pino';
import { z } from 'zod';
import { defineConnector } from './define-connector';
import { defineTool } from './define-tool';
import { ConnectorHarness } from './testing/connector-harness';
import { FakeUpstream, type FakeScript } from './testing/fake-upstream';
import { ToolError } from './tool-error';
import { UpstreamHttp, type UpstreamCallContext, type UpstreamHttpOptions, type UpstreamRequest } from './upstream-http';

/** A credential no redaction pattern knows: only registration can mask it. */
const TOKEN = 'plain-token-4711-zz';

let fake: FakeUpstream | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function upstream(script: FakeScript, options: Partial<UpstreamHttpOptions> = {}): Promise<{ fake: FakeUpstream; http: UpstreamHttp }> {
  fake = await FakeUpstream.start(script);
  const http = new UpstreamHttp({
    service: 'Acme',
    baseUrl: `${fake.url}/api/`,
    credentials: { authorization: `Bearer ${TOKEN}` },
    backoff: { baseDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  return { fake, http };
}

function context(overrides: Partial<UpstreamCallContext> = {}): UpstreamCallContext {
  return { signal: new AbortController().signal, deadline: Date.now() + 10_000, ...overrides };
}

/** The tool error a request fails with (the test fails if it succeeds or throws anything else). */
async function failure(http: UpstreamHttp, request: UpstreamRequest, ctx = context()): Promise<ToolError> {
  const error = await http.request(ctx, request).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ToolError)) throw new Error(`expected a ToolError, got ${String(error)}`);
  return error;
}

function logCapture(): { lines: string[]; logger: pino.Logger } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, stream) };
}

describe('UpstreamHttp', () => {
  it('sends the base URL, path, query, JSON body and credentials, and parses the JSON answer', async () => {
    const { fake, http } = await upstream([{ status: 201, body: { id: 7 } }]);
    const response = await http.request(context(), {
      method: 'POST',
      path: '/issues',
      query: { page: 2, state: undefined },
      json: { title: 't' },
      schema: z.object({ id: z.number() }),
    });
    expect(response).toMatchObject({ status: 201, body: { id: 7 } });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ method: 'POST', url: '/api/issues?page=2', body: '{"title":"t"}' });
    expect(fake.requests[0]!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' });
  });

  it('waits out Retry-After on a 429, then succeeds on the second request', async () => {
    const { fake, http } = await upstream([{ status: 429, headers: { 'retry-after': '1' }, body: { message: 'slow down' } }, { status: 200, body: { ok: true } }]);
    const response = await http.request(context(), { path: '/items' });
    expect(response.body).toEqual({ ok: true });
    expect(fake.requests).toHaveLength(2);
    // Honoured: the retry did not come before the time the upstream named (timers never fire early).
    expect(fake.requests[1]!.at).toBeGreaterThanOrEqual(fake.requests[0]!.at + 1000 - 1);
  });

  it('retries a 503 twice and returns the third answer', async () => {
    const { fake, http } = await upstream([{ status: 503 }, { status: 503 }, { status: 200, body: 'fine', headers: { 'content-type': 'text/plain' } }]);
    await expect(http.request(context(), { path: '/items' })).resolves.toMatchObject({ status: 200, body: 'fine' });
    expect(fake.requests).toHaveLength(3);
  });

  it('waits for a GitHub-style rate-limit reset on a 403 with nothing remaining', async () => {
    const reset = String(Math.ceil(Date.now() / 1000) + 1);
    const { fake, http } = await upstream([
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, body: { message: 'API rate limit exceeded' } },
      { status: 200, body: [] },
    ]);
    await expect(http.request(context(), { path: '/repos' })).resolves.toMatchObject({ status: 200 });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.at).toBeGreaterThanOrEqual(Number(reset) * 1000 - 1);
  });

  it('fails at once as rate_limited with retryAfterMs when Retry-After passes the deadline', async () => {
    const { fake, http } = await upstream([{ status: 429, headers: { 'retry-after': '30' } }, { status: 200 }]);
    const deadline = Date.now() + 3000;
    const error = await failure(http, { path: '/items' }, context({ deadline }));
    const failedAt = Date.now();
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterMs: 30_000 });
    expect(fake.requests).toHaveLength(1);
    // At once: neither the upstream's retry time nor the call's deadline was waited for.
    expect(failedAt).toBeLessThan(deadline);
    expect(failedAt).toBeLessThan(fake.requests[0]!.at + 30_000);
  });

  it('reads Retry-After as an HTTP date too', async () => {
    const { fake, http } = await upstream([{ status: 429, headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } }]);
    const error = await failure(http, { path: '/items' });
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
    expect(fake.requests).toHaveLength(1);
  });

  it.each([401, 403])('turns %i into unauthorized without the token, even when the upstream echoes it', async (status) => {
    const { lines, logger } = logCapture();
    const { fake, http } = await upstream((request) => ({ status, body: { message: `Bad credentials: ${request.headers.authorization} (${TOKEN})` } }));
    const error = await failure(http, { path: '/me', query: { access: TOKEN } }, context({ logger }));
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toContain(`HTTP ${status}`);
    expect(error.message).toContain('Bad credentials');
    expect(error.message).not.toContain(TOKEN);
    expect(lines.join('')).toContain('upstream call failed');
    expect(lines.join('')).not.toContain(TOKEN);
    expect(fake.requests).toHaveLength(1);
  });

  it('masks the user and password of a Basic credential and registered secrets', async () => {
    const basic = Buffer.from('mailer:pa55-w0rd-xyz').toString('base64');
    const { http } = await upstream(
      (request) => ({ status: 401, body: { message: `${request.headers.authorization} pa55-w0rd-xyz mailer:pa55-w0rd-xyz ${basic} other-secret-99` } }),
      { credentials: { authorization: `Basic ${basic}` }, secrets: ['other-secret-99'] },
    );
    const error = await failure(http, { path: '/send' });
    for (const secret of ['pa55-w0rd-xyz', basic, 'other-secret-99']) expect(error.message).not.toContain(secret);
  });

  it('maps 404 to not_found and 422 to invalid_arguments with the upstream message, cut short', async () => {
    const { http } = await upstream((request) =>
      request.url.endsWith('/missing')
        ? { status: 404, body: { message: 'Not Found' } }
        : { status: 422, body: { message: 'Validation Failed', errors: [{ message: `title ${'x'.repeat(5000)}` }] } },
    );
    const missing = await failure(http, { path: '/missing' });
    expect(missing.kind).toBe('not_found');
    expect(missing.message).toContain('Not Found');
    const invalid = await failure(http, { method: 'POST', path: '/issues', json: {} });
    expect(invalid.kind).toBe('invalid_arguments');
    expect(invalid.message).toContain('Validation Failed: title xxx');
    expect(invalid.message.length).toBeLessThan(600);
  });

  it('retries a 500 for GET but never for POST', async () => {
    const { fake, http } = await upstream([{ status: 500, body: { message: 'boom' } }]);
    const post = await failure(http, { method: 'POST', path: '/issues', json: {} });
    expect(post.kind).toBe('upstream');
    expect(post.message).toContain('boom');
    expect(fake.requests).toHaveLength(1);
    const get = await failure(http, { path: '/issues' });
    expect(get.kind).toBe('upstream');
    expect(get.message).toContain('after 4 tries');
    expect(fake.requests).toHaveLength(1 + 4);
  });

  it('retries POST on 429 (not processed) but not on 504 (maybe processed), unless declared idempotent', async () => {
    const { fake, http } = await upstream([{ status: 429, headers: { 'retry-after': '0' } }, { status: 200 }, { status: 504 }, { status: 504 }, { status: 200 }]);
    await http.request(context(), { method: 'POST', path: '/429' });
    expect(fake.requests).toHaveLength(2);
    await expect(failure(http, { method: 'POST', path: '/504' })).resolves.toMatchObject({ kind: 'upstream' });
    expect(fake.requests).toHaveLength(3);
    await http.request(context(), { method: 'POST', path: '/504', idempotent: true });
    expect(fake.requests).toHaveLength(5);
  });

  it('retries a dropped connection for GET, not for POST', async () => {
    const { fake, http } = await upstream((_request, index) => (index % 2 === 0 ? { drop: true } : { status: 200 }));
    await http.request(context(), { path: '/items' });
    expect(fake.requests).toHaveLength(2);
    const post = await failure(http, { method: 'POST', path: '/items' });
    expect(post.kind).toBe('upstream');
    expect(post.message).toMatch(/^Could not reach Acme/);
    expect(fake.requests).toHaveLength(3);
  });

  it('aborts the request in flight when the call is cancelled', async () => {
    const { fake, http } = await upstream([{ hang: true }]);
    const controller = new AbortController();
    const pending = failure(http, { path: '/slow' }, context({ signal: controller.signal }));
    await fake.until((f) => f.requests.length === 1);
    controller.abort(new ToolError('cancelled', 'The call was cancelled.'));
    await expect(pending).resolves.toMatchObject({ kind: 'cancelled' });
    await fake.until((f) => f.closedUnanswered === 1);
    expect(fake.requests).toHaveLength(1);
  });

  it('stops waiting between tries when the call is cancelled', async () => {
    const { fake, http } = await upstream([{ status: 503, headers: { 'retry-after': '5' } }, { status: 200 }]);
    const controller = new AbortController();
    const pending = failure(http, { path: '/items' }, context({ signal: controller.signal }));
    await fake.until((f) => f.requests.length === 1);
    controller.abort();
    await expect(pending).resolves.toMatchObject({ kind: 'cancelled' });
    expect(Date.now()).toBeLessThan(fake.requests[0]!.at + 5000);
    expect(fake.requests).toHaveLength(1);
  });

  it('ends a request that outlives the deadline as timeout, even when the signal never aborts', async () => {
    const { fake, http } = await upstream([{ hang: true }]);
    const error = await failure(http, { path: '/slow' }, context({ deadline: Date.now() + 300 }));
    expect(error.kind).toBe('timeout');
    await fake.until((f) => f.closedUnanswered === 1);
  });

  it('refuses a URL on another origin, so credentials go nowhere else', async () => {
    const { fake, http } = await upstream([{ status: 200 }]);
    await expect(http.request(context(), { path: 'http://example.com/api/next' })).rejects.toThrow(/refusing a request to http:\/\/example.com/);
    await http.request(context(), { path: `${fake.url}/api/next?page=2` });
    expect(fake.requests.map((r) => r.url)).toEqual(['/api/next?page=2']);
  });

  it('follows a redirect on its origin, and refuses one elsewhere, which never sees the credentials', async () => {
    const elsewhere = await FakeUpstream.start([{ status: 200 }]);
    try {
      const { fake, http } = await upstream((request) =>
        request.url === '/api/old' ? { status: 301, headers: { location: '/api/new' } } : request.url === '/api/away' ? { status: 302, headers: { location: `${elsewhere.url}/x` } } : { body: { at: request.url } },
      );
      await expect(http.request(context(), { path: '/old' })).resolves.toMatchObject({ body: { at: '/api/new' } });
      expect(fake.requests[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      const refused = await failure(http, { path: '/away' });
      expect(refused).toMatchObject({ kind: 'upstream', message: expect.stringContaining(`redirected to ${elsewhere.url}`) });
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.stop();
    }
  });

  it('fails as upstream on an answer too large or of an unexpected shape', async () => {
    const { http } = await upstream((request) => ({ status: 200, body: request.url.endsWith('/big') ? 'x'.repeat(2000) : { id: 'seven' } }), { maxResponseBytes: 1000 });
    await expect(failure(http, { path: '/big' })).resolves.toMatchObject({ kind: 'upstream', message: expect.stringContaining('more than 1000 bytes') });
    await expect(failure(http, { path: '/shape', schema: z.object({ id: z.number() }) })).resolves.toMatchObject({ kind: 'upstream', message: expect.stringContaining('id:') });
  });
});

describe('UpstreamHttp inside a tool call', () => {
  const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
  const connector = defineConnector<{ acme: UpstreamHttp }>({
    id: 'acme',
    version: '1.0.0',
    title: 'Acme',
    description: 'Test connector over a fake REST upstream',
    tools: [
      defineTool({
        name: 'get_item',
        description: 'Reads one item.',
        input: z.object({ id: z.string() }),
        output: z.object({ name: z.string() }),
        annotations: readOnly,
        handler: async ({ id }, ctx, deps) => {
          const { body } = await deps.acme.request(ctx, { path: `/items/${id}`, schema: z.object({ name: z.string() }) });
          return { structured: body, text: body.name };
        },
      }),
    ],
  });

  it('answers unauthorized through the call runner, and a hub cancel aborts the upstream request', async () => {
    const { fake, http } = await upstream((request) => (request.url.endsWith('/slow') ? { hang: true } : request.url.endsWith('/1') ? { body: { name: 'one' } } : { status: 401, body: { message: `token ${TOKEN} expired` } }));
    const harness = await ConnectorHarness.start(connector, { acme: http });
    try {
      await expect(harness.callTool('get_item', { id: '1' })).resolves.toMatchObject({ structuredContent: { name: 'one' } });
      const refused = await harness.callToolOutcome('get_item', { id: '2' });
      expect(refused).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
      expect(JSON.stringify(refused)).not.toContain(TOKEN);

      const controller = new AbortController();
      const pending = harness.callToolOutcome('get_item', { id: 'slow' }, { signal: controller.signal });
      await fake.until((f) => f.requests.length === 3);
      controller.abort();
      await expect(pending).resolves.toMatchObject({ ok: false, error: { kind: 'cancelled' } });
      await fake.until((f) => f.closedUnanswered === 1);
      expect(harness.errorKinds).toEqual(['unauthorized', 'cancelled']);
    } finally {
      await harness.stop();
    }
  });
});
