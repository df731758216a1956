import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  WebAPICallResult,
  AuthTestResponse,
  ChatDeleteResponse,
  ChatPostMessageResponse,
  ChatUpdateResponse,
  ConversationsHistoryResponse,
  ConversationsInfoResponse,
  ConversationsListResponse,
  ConversationsRepliesResponse,
  ReactionsAddResponse,
  SearchMessagesResponse,
  UsersInfoResponse,
  UsersListResponse,
} from '@slack/web-api';

/** A channel of the fake workspace. */
export interface FakeChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  topic?: string;
}

/** A message as the fake stores it. */
export interface FakeMessage {
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  thread_ts?: string;
  reactions: Array<{ name: string; users: string[] }>;
}

export interface FakeUser {
  id: string;
  name: string;
  realName?: string;
  email?: string;
  isBot?: boolean;
}

/** One request the fake answered: method, token kind and parsed arguments. */
export interface FakeSlackRequest {
  method: string;
  token: 'bot' | 'user' | 'invalid' | 'none';
  args: Record<string, string>;
  contentType: string;
}

export interface FakeSlackOptions {
  botToken?: string;
  userToken?: string;
  channels?: FakeChannel[];
  users?: FakeUser[];
}

/** The ids the fake's bot has (auth.test). */
export const FAKE_BOT = { userId: 'UBOT00001', botId: 'BBOT00001', teamId: 'TFAKE0001' } as const;

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * A local fake of Slack's Web API for the methods the connector calls, speaking the real wire
 * format (docs.slack.dev/apis/web-api): POST with a form-encoded or JSON body, the token in
 * `Authorization: Bearer` (or a `token` form field), HTTP 200 with `ok: false` and an `error`
 * code for failures, cursor paging in `response_metadata.next_cursor`, and HTTP 429 with
 * `Retry-After` (seconds) when a rate limit is scripted. Every body is typed against
 * `@slack/web-api`'s own response types, so a shape the real API would not send fails to compile.
 * Listens on 127.0.0.1 only.
 */
export class FakeSlack {
  readonly botToken: string;
  readonly userToken: string;
  readonly requests: FakeSlackRequest[] = [];
  private readonly channels = new Map<string, FakeChannel>();
  private readonly messages = new Map<string, FakeMessage[]>();
  private readonly users: FakeUser[];
  private readonly rateLimits = new Map<string, { times: number; retryAfterSeconds: number }>();
  private readonly failures = new Map<string, string>();
  private readonly httpFailures = new Map<string, { times: number; status: number }>();
  /** Seconds; starts an hour ago so that "the last hours" hold the messages a test adds. */
  private clock = Math.floor(Date.now() / 1000) - 3600;
  private server?: Server;
  private url = '';

  constructor(options: FakeSlackOptions = {}) {
    this.botToken = options.botToken ?? 'xoxb-fake-bot-token-000000';
    this.userToken = options.userToken ?? 'xoxp-fake-user-token-000000';
    for (const channel of options.channels ?? []) this.addChannel(channel);
    this.users = options.users ?? [];
  }

  /** Starts a fake on a free loopback port. */
  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const fake = new FakeSlack(options);
    await fake.listen();
    return fake;
  }

  /** The base URL to give as `slackApiUrl` (ends with `/api/`). */
  get apiUrl(): string {
    return this.url;
  }

  addChannel(channel: FakeChannel): void {
    this.channels.set(channel.id, channel);
    if (!this.messages.has(channel.id)) this.messages.set(channel.id, []);
  }

  /** Adds a message as a workspace member would post it; returns its ts. */
  addMessage(channel: string, message: { text: string; user?: string; bot_id?: string; thread_ts?: string }): string {
    const ts = this.nextTs();
    this.channelMessages(channel).push({ ts, reactions: [], ...message });
    return ts;
  }

  /** The messages of a channel, oldest first (replies included). */
  channelMessages(channel: string): FakeMessage[] {
    const list = this.messages.get(channel);
    if (!list) throw new Error(`fake slack: no channel ${channel}`);
    return list;
  }

  /** The next `times` calls of `method` get HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(method: string, times: number, retryAfterSeconds: number): void {
    this.rateLimits.set(method, { times, retryAfterSeconds });
  }

  /** The next `times` calls of `method` get a bare HTTP `status` (a 5xx of Slack's edge, say), without a Slack body. */
  failHttp(method: string, times: number, status: number): void {
    this.httpFailures.set(method, { times, status });
  }

  /** Every later call of `method` answers `ok: false` with `error` (until cleared with undefined). */
  failWith(method: string, error: string | undefined): void {
    if (error === undefined) this.failures.delete(method);
    else this.failures.set(method, error);
  }

  /** Requests of one method, in order. */
  requestsOf(method: string): FakeSlackRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  }

  private nextTs(): string {
    this.clock += 1;
    return `${this.clock}.000100`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const contentType = String(req.headers['content-type'] ?? '');
    let args: Record<string, string>;
    try {
      args = parseBody(raw, contentType);
    } catch {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ ok: false, error: 'invalid_json' }));
      return;
    }
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? args.token;
    const token = bearer === undefined ? 'none' : bearer === this.botToken ? 'bot' : bearer === this.userToken ? 'user' : 'invalid';
    delete args.token;
    this.requests.push({ method, token, args, contentType });
    const answer = req.method !== 'POST' && req.method !== 'GET' ? { status: 405, body: 'method not allowed' } : this.answer(method, token, args);
    const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json; charset=utf-8';
    res.writeHead(answer.status, { 'content-type': type, ...answer.headers });
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  }

  private answer(method: string, token: FakeSlackRequest['token'], args: Record<string, string>): Answer {
    const limit = this.rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times--;
      return { status: 429, headers: { 'retry-after': String(limit.retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } };
    }
    const httpFailure = this.httpFailures.get(method);
    if (httpFailure && httpFailure.times > 0) {
      httpFailure.times--;
      return { status: httpFailure.status, body: 'upstream connect error' };
    }
    if (token === 'none') return fail('not_authed');
    if (token === 'invalid') return fail('invalid_auth');
    const scripted = this.failures.get(method);
    if (scripted) return fail(scripted);
    if (method === 'search.messages' && token !== 'user') return fail('not_allowed_token_type');
    const handler = this.methods[method];
    return handler ? handler(args) : fail('unknown_method');
  }

  private readonly methods: Record<string, (args: Record<string, string>) => Answer> = {
    'auth.test': () => ok<AuthTestResponse>({ ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'hubbot', team_id: FAKE_BOT.teamId, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId }),
    'conversations.list': (args) => {
      const all = [...this.channels.values()].map((c) => ({ id: c.id, name: c.name, is_channel: true, is_private: c.isPrivate === true, is_archived: false }));
      const { page, next } = paginate(all, args);
      return ok<ConversationsListResponse>({ ok: true, channels: page, response_metadata: { next_cursor: next } });
    },
    'conversations.info': (args) => {
      const channel = this.channels.get(args.channel ?? '');
      if (!channel) return fail('channel_not_found');
      const topic = { value: channel.topic ?? '', creator: '', last_set: 0 };
      return ok<ConversationsInfoResponse>({ ok: true, channel: { id: channel.id, name: channel.name, is_private: channel.isPrivate === true, topic, purpose: { value: '', creator: '', last_set: 0 }, num_members: 3 } });
    },
    'conversations.history': (args) => {
      const list = this.messages.get(args.channel ?? '');
      if (!list) return fail('channel_not_found');
      const inclusive = args.inclusive === 'true' || args.inclusive === '1';
      const top = list
        .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
        .filter((m) => inRange(m.ts, args.oldest, args.latest, inclusive))
        .reverse()
        .map((m) => this.toWire(args.channel!, m));
      const { page, next } = paginate(top, args);
      return ok<ConversationsHistoryResponse>({ ok: true, messages: page, has_more: next !== '', response_metadata: { next_cursor: next } });
    },
    'conversations.replies': (args) => {
      const list = this.messages.get(args.channel ?? '');
      if (!list) return fail('channel_not_found');
      const target = list.find((m) => m.ts === args.ts);
      if (!target) return fail('thread_not_found');
      const root = target.thread_ts ?? target.ts;
      const inclusive = args.inclusive === 'true' || args.inclusive === '1';
      const thread = list.filter((m) => m.ts === root || m.thread_ts === root).filter((m) => inRange(m.ts, args.oldest, args.latest, inclusive)).map((m) => this.toWire(args.channel!, m));
      const { page, next } = paginate(thread, args);
      return ok<ConversationsRepliesResponse>({ ok: true, messages: page, has_more: next !== '', response_metadata: { next_cursor: next } });
    },
    'search.messages': (args) => {
      const query = (args.query ?? '').toLowerCase();
      const count = Number(args.count ?? 20);
      const pageNumber = Number(args.page ?? 1);
      const matches = [...this.messages.entries()].flatMap(([channel, list]) =>
        list.filter((m) => m.text.toLowerCase().includes(query)).map((m) => ({ ...this.toWire(channel, m), channel: { id: channel, name: this.channels.get(channel)?.name ?? channel } })),
      );
      const pages = Math.max(1, Math.ceil(matches.length / count));
      const page = matches.slice((pageNumber - 1) * count, pageNumber * count);
      return ok<SearchMessagesResponse>({ ok: true, query: args.query, messages: { matches: page, total: matches.length, paging: { count, total: matches.length, page: pageNumber, pages } } });
    },
    'users.list': (args) => {
      const { page, next } = paginate(this.users.map(toWireUser), args);
      return ok<UsersListResponse>({ ok: true, members: page, response_metadata: { next_cursor: next } });
    },
    'users.info': (args) => {
      const user = this.users.find((u) => u.id === args.user);
      return user ? ok<UsersInfoResponse>({ ok: true, user: toWireUser(user) }) : fail('user_not_found');
    },
    'chat.postMessage': (args) => {
      const list = this.messages.get(args.channel ?? '');
      if (!list) return fail('channel_not_found');
      if (!args.text && !args.blocks) return fail('no_text');
      if (args.blocks) {
        try {
          if (!Array.isArray(JSON.parse(args.blocks))) return fail('invalid_blocks');
        } catch {
          return fail('invalid_blocks_format');
        }
      }
      if (args.thread_ts && !list.some((m) => m.ts === args.thread_ts)) return fail('thread_not_found');
      const ts = this.nextTs();
      const message: FakeMessage = { ts, text: args.text ?? '', bot_id: FAKE_BOT.botId, user: FAKE_BOT.userId, reactions: [], ...(args.thread_ts && { thread_ts: args.thread_ts }) };
      list.push(message);
      return ok<ChatPostMessageResponse>({ ok: true, channel: args.channel, ts, message: { ts, text: message.text, bot_id: FAKE_BOT.botId, type: 'message' } });
    },
    'chat.update': (args) => {
      const message = this.messages.get(args.channel ?? '')?.find((m) => m.ts === args.ts);
      if (!message) return fail('message_not_found');
      if (message.bot_id !== FAKE_BOT.botId) return fail('cant_update_message');
      message.text = args.text ?? message.text;
      return ok<ChatUpdateResponse>({ ok: true, channel: args.channel, ts: args.ts, text: message.text });
    },
    'chat.delete': (args) => {
      const list = this.messages.get(args.channel ?? '');
      const index = list?.findIndex((m) => m.ts === args.ts) ?? -1;
      if (!list || index < 0) return fail('message_not_found');
      if (list[index]!.bot_id !== FAKE_BOT.botId) return fail('cant_delete_message');
      list.splice(index, 1);
      return ok<ChatDeleteResponse>({ ok: true, channel: args.channel, ts: args.ts });
    },
    'reactions.add': (args) => {
      const message = this.messages.get(args.channel ?? '')?.find((m) => m.ts === args.timestamp);
      if (!message) return fail('message_not_found');
      const reaction = message.reactions.find((r) => r.name === args.name);
      if (reaction?.users.includes(FAKE_BOT.userId)) return fail('already_reacted');
      if (reaction) reaction.users.push(FAKE_BOT.userId);
      else message.reactions.push({ name: args.name ?? '', users: [FAKE_BOT.userId] });
      return ok<ReactionsAddResponse>({ ok: true });
    },
  };

  private toWire(channel: string, m: FakeMessage) {
    const replies = m.thread_ts === undefined || m.thread_ts === m.ts ? (this.messages.get(channel) ?? []).filter((r) => r.thread_ts === m.ts && r.ts !== m.ts).length : 0;
    return {
      type: 'message',
      ts: m.ts,
      text: m.text,
      ...(m.user && { user: m.user }),
      ...(m.bot_id && { bot_id: m.bot_id }),
      ...(m.thread_ts && { thread_ts: m.thread_ts }),
      ...(replies > 0 && { thread_ts: m.ts, reply_count: replies }),
      ...(m.reactions.length > 0 && { reactions: m.reactions.map((r) => ({ name: r.name, users: r.users, count: r.users.length })) }),
    };
  }
}

function ok<T>(body: T): Answer {
  return { status: 200, body };
}

/** Slack's failure shape: HTTP 200, `ok: false` and an error code. */
function fail(error: string): Answer {
  const body: WebAPICallResult & { error: string } = { ok: false, error };
  return { status: 200, body };
}

function toWireUser(u: FakeUser) {
  return {
    id: u.id,
    name: u.name,
    real_name: u.realName ?? u.name,
    is_bot: u.isBot === true,
    deleted: false,
    tz: 'Europe/Berlin',
    profile: { display_name: u.name, real_name: u.realName ?? u.name, ...(u.email && { email: u.email }) },
  };
}

/** Slack's cursor paging: an opaque cursor (here base64 of the offset), `limit` items a page, '' when done. */
function paginate<T>(items: T[], args: Record<string, string>): { page: T[]; next: string } {
  const limit = Math.min(1000, Math.max(1, Number(args.limit ?? 100)));
  const offset = args.cursor ? Number(Buffer.from(args.cursor, 'base64').toString('utf8').replace(/^offset:/, '')) : 0;
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '';
  return { page, next };
}

function inRange(ts: string, oldest: string | undefined, latest: string | undefined, inclusive: boolean): boolean {
  const t = Number(ts);
  if (oldest !== undefined && (inclusive ? t < Number(oldest) : t <= Number(oldest))) return false;
  if (latest !== undefined && (inclusive ? t > Number(latest) : t >= Number(latest))) return false;
  return true;
}

/** A request body as Slack reads it: `application/x-www-form-urlencoded` or `application/json`; nested values stay JSON text. */
function parseBody(raw: string, contentType: string): Record<string, string> {
  if (raw === '') return {};
  if (contentType.startsWith('application/json')) {
    const json = JSON.parse(raw) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  return Object.fromEntries(new URLSearchParams(raw));
}
