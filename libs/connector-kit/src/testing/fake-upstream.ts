import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the fake answers one request. */
export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON (with a JSON content type unless `headers` sets one). */
  body?: unknown;
  /** Never answer: hold the request until the client goes away. */
  hang?: boolean;
  /** Close the connection without answering. */
  drop?: boolean;
}

/** A request the fake received. */
export interface SeenRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Epoch milliseconds of its arrival. */
  at: number;
}

export type FakeScript = FakeAnswer[] | ((request: SeenRequest, index: number) => FakeAnswer | Promise<FakeAnswer>);

/**
 * A local HTTP server on 127.0.0.1 that plays an upstream REST API: connector tests use it to
 * speak the upstream's real wire format (statuses, rate-limit headers, error bodies) without
 * the upstream. It records every request, and every one whose client went away unanswered.
 */
export class FakeUpstream {
  /** Every request received, in order. */
  readonly requests: SeenRequest[] = [];
  /** Requests whose client closed the connection before an answer was sent (aborted requests). */
  closedUnanswered = 0;
  private readonly open = new Set<ServerResponse>();
  private readonly waiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    /** Base URL, `http://127.0.0.1:<port>`. */
    readonly url: string,
  ) {}

  /**
   * Starts the fake. An array script answers request n with answer n, and every later request
   * with the last; a function script answers each request as it likes.
   */
  static async start(script: FakeScript): Promise<FakeUpstream> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const fake = new FakeUpstream(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const seen: SeenRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        const index = fake.requests.push(seen) - 1;
        fake.open.add(res);
        res.on('close', () => {
          fake.open.delete(res);
          if (!res.writableFinished) fake.closedUnanswered++;
          fake.notify();
        });
        fake.notify();
        void Promise.resolve(Array.isArray(script) ? script[Math.min(index, script.length - 1)]! : script(seen, index)).then((answer) => fake.answer(res, answer));
      });
    });
    return fake;
  }

  /** Resolves once `predicate` holds, checked after every request and every closed connection. */
  async until(predicate: (fake: FakeUpstream) => boolean): Promise<void> {
    while (!predicate(this)) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(res: ServerResponse, answer: FakeAnswer): void {
    if (answer.hang) return;
    if (answer.drop) {
      res.socket?.destroy();
      return;
    }
    const json = answer.body !== undefined && typeof answer.body !== 'string';
    const body = answer.body === undefined ? '' : json ? JSON.stringify(answer.body) : String(answer.body);
    const headers = { ...(json && { 'content-type': 'application/json; charset=utf-8' }), ...answer.headers };
    res.writeHead(answer.status ?? 200, headers).end(body);
  }

  private notify(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}
