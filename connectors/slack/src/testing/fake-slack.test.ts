import { FakeSlack } from './fake-slack';

/** The fake speaks Slack's wire format to any client, not only to @slack/web-api. */
describe('FakeSlack wire format', () => {
  let fake: FakeSlack;
  beforeEach(async () => {
    fake = await FakeSlack.start({ channels: ['general', 'random', 'support'].map((name, i) => ({ id: `C0CHAN000${i}`, name })) });
  });
  afterEach(() => fake.stop());

  const post = (method: string, init: { json?: unknown; form?: Record<string, string>; token?: string }) =>
    fetch(`${fake.apiUrl}${method}`, {
      method: 'POST',
      headers: {
        ...(init.token && { authorization: `Bearer ${init.token}` }),
        'content-type': init.json !== undefined ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
      },
      body: init.json !== undefined ? JSON.stringify(init.json) : new URLSearchParams(init.form ?? {}).toString(),
    });

  it('accepts JSON with a bearer token and form bodies with a token field, and pages with next_cursor', async () => {
    const first = (await (await post('conversations.list', { json: { limit: 2 }, token: fake.botToken })).json()) as { response_metadata: { next_cursor: string } };
    expect(first).toMatchObject({ ok: true, channels: [{ name: 'general' }, { name: 'random' }] });
    const cursor = first.response_metadata.next_cursor;
    expect(cursor).not.toBe('');
    const second = await (await post('conversations.list', { form: { token: fake.botToken, limit: '2', cursor } })).json();
    expect(second).toMatchObject({ ok: true, channels: [{ name: 'support' }], response_metadata: { next_cursor: '' } });
  });

  it('answers failures as HTTP 200 with ok:false and an error code', async () => {
    const missing = await post('auth.test', { form: {} });
    expect(missing.status).toBe(200);
    expect(await missing.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(await (await post('auth.test', { form: {}, token: 'xoxb-wrong' })).json()).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await (await post('search.messages', { form: { query: 'x' }, token: fake.botToken })).json()).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(await (await post('no.such.method', { form: {}, token: fake.botToken })).json()).toEqual({ ok: false, error: 'unknown_method' });
    const broken = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(await broken.json()).toEqual({ ok: false, error: 'invalid_json' });
  });

  it('answers a scripted rate limit with 429 and Retry-After in seconds', async () => {
    fake.rateLimit('users.list', 1, 7);
    const limited = await post('users.list', { form: {}, token: fake.botToken });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await post('users.list', { form: {}, token: fake.botToken })).status).toBe(200);
  });
});
